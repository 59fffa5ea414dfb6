import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { workOrderWorkflowId } from '../contracts/ids.js';
import type { OrderReleased } from '../contracts/messages/order-release.js';
import { TASK_QUEUE } from '../contracts/names.js';
import type { workOrderWorkflow } from '../workflows/work-order.js';
import { ErpOrderIdAttr, LineAttr, MaterialAttr, OrderStatusAttr, SiteAttr } from '../workflows/search-attributes.js';

export interface StartResult {
  workflowId: string;
  /** False when a run with this id exists or existed: a repeated release is not a second order. */
  started: boolean;
}

/** Starts the work-order workflow for a release, idempotently: the id is the order's, and it is never reused. */
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
        { key: OrderStatusAttr, value: 'released' },
      ],
      staticSummary: `WO ${release.erpOrderId} - ${release.quantity} ${release.unit} x ${release.material} on ${release.line}`,
    });
    return { workflowId, started: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, started: false };
    throw err;
  }
}
