import { createHash } from 'node:crypto';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { TASK_QUEUE } from '../../contracts/names.js';
import { createMasterDataActivities } from '../../activities/master-data.js';
import { workOrderWorkflowId } from '../../contracts/ids.js';
import type { WorkOrderStatus } from '../../contracts/messages/work-order-status.js';
import type { Db } from '../../db/client.js';
import type { ErpAdapter } from '../../erp/port.js';
import { fixActions, reconcile, type FixAction, type Reconciliation } from '../../erp/reconcile.js';
import { reconciliationFixWorkflow, type ReconciliationFixInput } from '../../workflows/reconciliation-fix.js';
import { statusQuery } from '../../workflows/definitions.js';

export interface ReconcileDeps {
  client: Client;
  db: Db;
  erp: ErpAdapter;
}

/**
 * Reconciles one order: shop-floor truth from its workflow (the result of a closed one, else its status query) and
 * the BOM from master data, against every document the ERP holds for the order, read from the ERP.
 */
export async function reconcileOrder(deps: ReconcileDeps, site: string, erpOrderId: string): Promise<Reconciliation & { phase: string }> {
  return (await gather(deps, site, erpOrderId)).result;
}

async function gather(deps: ReconcileDeps, site: string, erpOrderId: string) {
  const handle = deps.client.workflow.getHandle(workOrderWorkflowId(site, erpOrderId));
  const described = await handle.describe();
  // A closed workflow answers with its result and needs no worker; an open one is asked.
  const status: WorkOrderStatus = described.status.name === 'COMPLETED' ? await handle.result() : await handle.query(statusQuery);
  const [context, postings] = await Promise.all([
    createMasterDataActivities(deps).loadOrderContext({ site, line: status.line, material: status.material }),
    deps.erp.listOrderPostings(erpOrderId),
  ]);
  const result = reconcile(
    {
      erpOrderId,
      material: status.material,
      unit: status.unit,
      good: status.good,
      scrap: status.scrap,
      confirmedGood: status.confirmedGood,
      confirmedScrap: status.confirmedScrap,
      finalConfirmed: status.phase === 'confirmed',
      goodsReceipt: status.goodsReceipt,
      bom: context.bom,
    },
    postings,
  );
  return { status, context, postings, result: { ...result, phase: status.phase } };
}

export interface FixResult {
  before: Reconciliation & { phase: string };
  applied: Array<{ action: FixAction; document: string }>;
  after: Reconciliation & { phase: string };
}

/** A fix that cannot be applied now: the order still runs, or the ERP refused a posting (its words). */
export class FixRefused extends Error {
  override readonly name = 'FixRefused';
}

/**
 * Applies a reconciliation's automatic fixes as postings of a `reconciliationFixWorkflow`, then reconciles again.
 * Only for a closed order: a running one may have a document in flight that looks like a difference. The workflow id
 * is the order plus a fingerprint of the fixes and of the ERP documents they were computed from, so the same request
 * twice applies once, and a new difference later (the ERP changed) gets a new run.
 */
export async function fixOrder(deps: ReconcileDeps, site: string, erpOrderId: string, requestedBy: string): Promise<FixResult> {
  const { status, context, postings, result: before } = await gather(deps, site, erpOrderId);
  if (status.phase !== 'confirmed' && status.phase !== 'cancelled')
    throw new FixRefused(`order is ${status.phase}: fixes are applied to confirmed or cancelled orders only, when nothing is in flight`);
  const actions = fixActions(before);
  if (actions.length === 0) return { before, applied: [], after: before };
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ actions, erp: postings.map((p) => [p.document, p.cancelled]) }))
    .digest('hex')
    .slice(0, 10);
  // Short: the posting keys `<id>#<n>` must fit the ERP's reference fields (the simulator's 40, as SAP's ConfirmationText).
  const workflowId = `fix:${site}:${erpOrderId}:${fingerprint}`;
  const args: [ReconciliationFixInput] = [{
    erpOrderId, operation: status.operation, unit: status.unit, plant: context.plant, storageLocation: context.storageLocation, actions, requestedBy,
  }];
  const handle = await deps.client.workflow
    .start(reconciliationFixWorkflow, { taskQueue: TASK_QUEUE, workflowId, args })
    .catch((err: unknown) => {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return deps.client.workflow.getHandle<typeof reconciliationFixWorkflow>(workflowId);
      throw err;
    });
  const applied = await handle.result().catch((err: unknown) => {
    // The activity's failure (ERP's words) sits inside the workflow's: name the innermost.
    if (err instanceof WorkflowFailedError) {
      const why = (err.cause?.cause as Error | undefined)?.message ?? err.cause?.message ?? err.message;
      throw new FixRefused(`fix of order ${erpOrderId} stopped: ${why}`);
    }
    throw err;
  });
  return { before, applied, after: await reconcileOrder(deps, site, erpOrderId) };
}
