import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { ERP_CALLS } from './activity-options.js';
import type { FixAction } from '../contracts/messages/reconciliation.js';

export interface ReconciliationFixInput {
  erpOrderId: string;
  operation: string;
  unit: string;
  plant: string | null;
  storageLocation: string | null;
  actions: FixAction[];
  requestedBy: string;
}

// Down for hours is waited out; a refusal ends the fix with the ERP's words for the planner.
const erp = proxyActivities<Pick<Activities, 'postConfirmation' | 'postGoodsMovementCorrection'>>(ERP_CALLS);

/**
 * A planner's "apply the fixes" of a reconciliation: each posting under this workflow's id and its place in the list,
 * so a retry, a worker restart or the same request twice (same workflow id, `reconciliationFixWorkflowId`) posts nothing twice.
 */
export async function reconciliationFixWorkflow(input: ReconciliationFixInput): Promise<Array<{ action: FixAction; document: string }>> {
  const { workflowId } = workflowInfo();
  const where = { workflowId, erpOrderId: input.erpOrderId, plant: input.plant, storageLocation: input.storageLocation };
  const done: Array<{ action: FixAction; document: string }> = [];
  for (const [i, action] of input.actions.entries()) {
    const postingSeq = i + 1;
    const posted = action.kind === 'confirmation'
      ? await erp.postConfirmation({
        workflowId, postingSeq, erpOrderId: input.erpOrderId, operation: input.operation, unit: input.unit,
        yieldQty: action.yieldQty, scrapQty: action.scrapQty, isFinal: action.isFinal,
      })
      : await erp.postGoodsMovementCorrection({ ...where, postingSeq, movementType: action.movementType, items: action.items });
    done.push({ action, document: posted.document });
  }
  return done;
}
