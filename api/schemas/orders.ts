import { z } from 'zod';
import { PlannerCommand, QualityDisposition, QualityHoldCommand } from '../../contracts/messages/planner-command.js';
import { CompleteOrder, CompletionReason } from '../../contracts/messages/production-count.js';
import { WorkOrderPhase, WorkOrderStatus } from '../../contracts/messages/work-order-status.js';
import { StartResult } from '../../contracts/messages/work-order-start.js';
import { ErpOrderId, Token } from '../../contracts/tokens.js';

export const OrderParams = z.object({ site: Token, erpOrderId: ErpOrderId });
export const ListOrdersQuery = z.object({ site: Token.optional(), line: Token.optional(), status: WorkOrderPhase.optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });

export const OrderRow = z.object({
  workflowId: z.string(), site: z.string(), erpOrderId: z.string(), line: z.string(), material: z.string(),
  plannedQuantity: z.string(), unit: z.string(), status: WorkOrderPhase, good: z.number(), scrap: z.number(),
  confirmationDocument: z.string().nullable(), updatedAt: z.string(),
  /** Workflow time of the figures (ISO); null for rows written before it was kept. `updatedAt` is when the row was written. */
  asOf: z.string().nullable().optional(),
});
export const OrderList = z.object({ orders: z.array(OrderRow) });

/**
 * A row of the MES's own posting ledger (schema/erp-postings.ts: status, attempts, last error), not an ERP document
 * (the REST ERP's `Posting`, contracts/messages/erp-rest.ts): hence its own name.
 */
export const LedgerPosting = z.object({
  postingKey: z.string(), kind: z.string(), status: z.string(), erpDocument: z.string().nullable(), attempts: z.number(), lastError: z.string().nullable(),
});
/**
 * `GET /orders/:site/:id`: from the read model, which the workflow keeps at most a few seconds behind (its counts) and
 * current at every other step; `?consistent=true` asks the workflow itself (a query: slower, and the order's worker
 * must be up). `asOf` says how fresh `status` is: the workflow time it is from, or the time the workflow answered;
 * `source` where it came from. Both are additive: clients of the earlier shape read `status` and `postings` as before.
 */
export const OrderDetail = z.object({
  status: WorkOrderStatus,
  postings: z.array(LedgerPosting),
  asOf: z.string().optional(),
  source: z.enum(['read-model', 'workflow']).optional(),
});
export const OrderDetailQuery = z.object({ consistent: z.enum(['true', 'false']).default('false') });

/** A release's answer over HTTP: a refusal is a 409 (api/release.ts), so the body never carries `refused`. */
export const StartResponse = StartResult.omit({ refused: true });
// Command bodies are the contracts' commands without `requestedBy`: the API sets it to the authenticated caller.
/** Over the API a completion defaults to the planner's reason. */
export const CompleteBody = CompleteOrder.omit({ requestedBy: true }).extend({ reason: CompletionReason.default('planner') });
export const Accepted = z.object({ accepted: z.literal(true), workflowId: z.string() });
export const CommandBody = PlannerCommand.omit({ requestedBy: true });
export const QualityHoldBody = QualityHoldCommand.omit({ requestedBy: true });
export const DispositionBody = QualityDisposition.pick({ decision: true, reasonCode: true, reworkOperation: true });
export { FixResult, Reconciliation } from '../../contracts/messages/reconciliation.js';
export const Waiting = z.object({
  status: z.string(),
  activities: z.array(z.object({ activity: z.string(), attempt: z.number(), lastFailure: z.string().nullable(), nextAttemptAt: z.string().nullable() })),
});
