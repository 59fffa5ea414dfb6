import { z } from 'zod';
import { DecimalString, Token } from '../tokens.js';
import { GoodsMovementItem, MovementType } from '../erp-port.js';
import { WorkOrderPhase } from './work-order-status.js';

/**
 * A fix the engine can post by itself: what is missing is posted, extra material is reversed. Extra confirmations
 * have none: which one to cancel is a person's call.
 */
export const FixAction = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('confirmation'), yieldQty: DecimalString, scrapQty: DecimalString, isFinal: z.boolean() }),
  z.object({ kind: z.literal('goods-movement'), movementType: MovementType, items: z.array(GoodsMovementItem).min(1) }),
]);
export type FixAction = z.infer<typeof FixAction>;

export const Difference = z.object({
  what: z.string(),
  shopFloor: z.string(),
  erp: z.string(),
  cause: z.string(),
  /** The posting that makes the ERP agree, in words. */
  fix: z.string(),
  /** The same fix as a posting the engine can make, where one is safe to make without a person. */
  action: FixAction.optional(),
});
export type Difference = z.infer<typeof Difference>;

/** An order's shop floor against the ERP's documents: the API's answer and the `reconcile` command's output. */
export const Reconciliation = z.object({
  erpOrderId: z.string(),
  phase: WorkOrderPhase,
  documents: z.number(),
  differences: z.array(Difference),
});
export type Reconciliation = z.infer<typeof Reconciliation>;

/** What applying the automatic fixes did: each posting with its ERP document, and the reconciliation after. */
export const FixResult = z.object({
  before: Reconciliation,
  applied: z.array(z.object({ action: FixAction, document: z.string() })),
  after: Reconciliation,
});
export type FixResult = z.infer<typeof FixResult>;

/** A fix still posting when the caller stopped waiting (the ERP is slow or away): it goes on, and applies once. */
export const FixPending = z.object({ applying: z.literal(true), workflowId: z.string(), before: Reconciliation });
export type FixPending = z.infer<typeof FixPending>;

/** Which orders to reconcile together: a site, optionally one line, optionally released within [from, to). */
export const ReconciliationScope = z.object({
  site: Token,
  line: Token.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export type ReconciliationScope = z.infer<typeof ReconciliationScope>;

/** A line's or a period's books: every order in scope reconciled; those with differences listed in full. */
export const ScopeReconciliation = z.object({
  scope: ReconciliationScope,
  orders: z.number(),
  agreeing: z.array(z.string()),
  withDifferences: z.array(Reconciliation),
  /** Orders that could not be reconciled (workflow gone, ERP unreachable), with the reason. */
  failed: z.array(z.object({ erpOrderId: z.string(), error: z.string() })),
});
export type ScopeReconciliation = z.infer<typeof ScopeReconciliation>;
