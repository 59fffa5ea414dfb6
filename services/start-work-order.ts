import { WorkflowExecutionAlreadyStartedError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { workOrderWorkflowId } from '../contracts/ids.js';
import type { OrderReleased } from '../contracts/messages/order-release.js';
import type { StartResult } from '../contracts/messages/work-order-start.js';
import { TASK_QUEUE } from '../contracts/names.js';
import type { WorkOrderStatus } from '../contracts/messages/work-order-status.js';
import { changeReleaseUpdate, statusQuery } from '../workflows/definitions.js';
import type { workOrderWorkflow } from '../workflows/work-order.js';
import { ErpOrderIdAttr, LineAttr, MaterialAttr, OrderPhaseAttr, SiteAttr } from '../workflows/search-attributes.js';

// Line and material count as changes too, so the order's refusal reaches a person instead of passing unnoticed.
const changed = (s: WorkOrderStatus, r: OrderReleased) =>
  Number(s.plannedQuantity) !== Number(r.quantity) || s.line !== r.line || s.material !== r.material || s.plannedStart !== (r.plannedStart ?? null) || s.plannedEnd !== (r.plannedEnd ?? null);

/**
 * Starts the work-order workflow for a release, idempotently: the id is the order's (`work-order:<site>:<erpOrderId>`),
 * and it is never reused. A release of an order that runs already is compared with its status (quantity as a number,
 * line, material, planned dates) and sent as a `changeRelease` Update when it differs; a closed order is left alone.
 * Used by the ERP release listener (NATS) and the API (manual release, ERP webhook) alike.
 * @param client Temporal client of the caller's process.
 * @param release an already validated release (quantity a decimal string in the order's unit, dates ISO).
 * @returns `started`, `updated` or neither; `refused` carries the running order's reason when it rejected the change.
 * @throws whatever the Temporal client throws other than "already started" on start and "update failed" on the
 *   Update (connection or service errors, a failed describe or status query); the caller retries the release.
 */
export async function startWorkOrder(client: Client, release: OrderReleased): Promise<StartResult> {
  const workflowId = workOrderWorkflowId(release.site, release.erpOrderId);
  try {
    await client.workflow.start<typeof workOrderWorkflow>('workOrderWorkflow', {
      taskQueue: TASK_QUEUE,
      workflowId,
      args: [{ release }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [
        { key: ErpOrderIdAttr, value: release.erpOrderId },
        { key: SiteAttr, value: release.site },
        { key: LineAttr, value: release.line },
        { key: MaterialAttr, value: release.material },
        { key: OrderPhaseAttr, value: 'released' },
      ],
      staticSummary: `WO ${release.erpOrderId} - ${release.quantity} ${release.unit} x ${release.material} on ${release.line}`,
    });
    return { workflowId, started: true, updated: false };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  // The order exists. A closed one keeps its history; an open one follows a changed quantity or dates.
  const handle = client.workflow.getHandle<typeof workOrderWorkflow>(workflowId);
  const { status } = await handle.describe();
  if (status.name !== 'RUNNING') return { workflowId, started: false, updated: false };
  const current = await handle.query(statusQuery);
  if (!changed(current, release)) return { workflowId, started: false, updated: false };
  try {
    await handle.executeUpdate(changeReleaseUpdate, { args: [release] });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return { workflowId, started: false, updated: false, refused: err.cause?.message ?? err.message };
    throw err;
  }
  return { workflowId, started: false, updated: true };
}
