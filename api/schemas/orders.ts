import { z } from 'zod';
import { WorkOrderPhase, WorkOrderStatus } from '../../contracts/messages/work-order-status.js';
import { ErpOrderId, Token } from '../../contracts/tokens.js';

export const OrderParams = z.object({ site: Token, erpOrderId: ErpOrderId });
export const ListOrdersQuery = z.object({ site: Token.optional(), line: Token.optional(), status: WorkOrderPhase.optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });

export const OrderRow = z.object({
  workflowId: z.string(), site: z.string(), erpOrderId: z.string(), line: z.string(), material: z.string(),
  plannedQuantity: z.string(), unit: z.string(), status: z.string(), good: z.number(), scrap: z.number(),
  confirmationDocument: z.string().nullable(), updatedAt: z.string(),
});
export const OrderList = z.object({ orders: z.array(OrderRow) });

/**
 * A row of the MES's own posting ledger (schema/erp-postings.ts: status, attempts, last error), not an ERP document
 * (the ERP simulator's `Posting`, contracts/messages/erp-sim.ts): hence its own name.
 */
export const LedgerPosting = z.object({
  postingKey: z.string(), kind: z.string(), status: z.string(), erpDocument: z.string().nullable(), attempts: z.number(), lastError: z.string().nullable(),
});
export const OrderDetail = z.object({ status: WorkOrderStatus, postings: z.array(LedgerPosting) });

export const StartResult = z.object({ workflowId: z.string(), started: z.boolean(), updated: z.boolean() });
export const CompleteBody = z.object({ reason: z.enum(['operator', 'planner', 'erp']).default('planner') });
export const Accepted = z.object({ accepted: z.literal(true), workflowId: z.string() });
export const CommandBody = z.object({ reason: z.string().min(3, 'say why, at least 3 characters').max(200) });
export const QualityHoldBody = z.object({
  quantity: z.number().int('must be a whole number of units').positive(),
  defectText: z.string().min(3, 'say what is wrong, at least 3 characters').max(1000),
});
export const DispositionBody = z.object({ decision: z.enum(['release', 'scrap']) });
export { FixResult, Reconciliation } from '../../contracts/messages/reconciliation.js';
export const Waiting = z.object({
  status: z.string(),
  activities: z.array(z.object({ activity: z.string(), attempt: z.number(), lastFailure: z.string().nullable(), nextAttemptAt: z.string().nullable() })),
});
