import { z } from 'zod';
import { MovementType } from '../erp-port.js';

/**
 * What is the ERP simulators' own: the `FaultPlan` they are driven with (simulators/erp/, simulators/sap-odata/).
 * The built-in simulator's API is the generic REST ERP's wire (`Posting`, `PostingList`: ./erp-rest.ts).
 */
export const FaultPlan = z.object({
  errorRate: z.number().min(0).max(1).default(0),
  replyLossRate: z.number().min(0).max(1).default(0),
  latencyMs: z.number().int().min(0).max(60_000).default(0),
  outage: z.boolean().default(false),
  /**
   * Of the posts that neither fail nor lose their reply: the share the ERP commits late, `lateCommitMs` after it
   * received them, as a real ERP under load does after the client gave up (its work process runs on). The reply goes
   * out after the commit, to a client that may be gone. 0 (the default) draws no random number, so a seeded plan
   * without late commits decides as it always did.
   */
  lateCommitRate: z.number().min(0).max(1).default(0),
  /** Milliseconds between receiving a late-committed post and committing it. */
  lateCommitMs: z.number().int().min(0).max(120_000).default(3_000),
  seed: z.number().int().optional(),
  /** Orders whose confirmations the ERP refuses on business grounds (a forced permanent rejection, for tests). */
  rejectOrders: z.array(z.string()).default([]),
  /**
   * Goods movements the ERP refuses on business grounds (a forced permanent rejection, for tests), by movement type
   * and, when given, order: `{ movementType: '262', erpOrderId: '42' }` refuses the reversal of that order's backflush
   * (SAP answers a 262 whose stock is gone with M7 021), so its compensation parks for a person. Built-in simulator only.
   */
  rejectMovements: z.array(z.object({ movementType: MovementType, erpOrderId: z.string().min(1).optional() })).default([]),
  /**
   * Orders whose confirmations and goods movements the ERP answers as down (503) while every other order posts: an
   * order left waiting for the ERP (its postings stay pending, retried) without stopping the rest. Built-in simulator only.
   */
  unavailableOrders: z.array(z.string().min(1)).default([]),
  /** Materials for which the ERP refuses quality notifications (a forced permanent rejection, for tests). */
  rejectMaterials: z.array(z.string()).default([]),
  /**
   * Posting periods closed for postings, as months `YYYY-MM` (the simulators' periods are calendar months): a
   * confirmation or goods movement dated in one is refused as a real ERP refuses it (the simulator: 422 problem
   * `PeriodClosed`; the SAP double: M7/053 for a material document, RU/428 for a confirmation).
   */
  closedPeriods: z.array(z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month like 2026-03')).default([]),
  /**
   * Every posting dated before this day (`YYYY-MM-DD`) is refused as in a closed period, as `closedPeriods` are: the
   * end of a period that is not a calendar month (a 4-4-5 fiscal calendar whose period 4 opens on 5 April).
   */
  closedBefore: z.iso.date({ error: 'must be a date YYYY-MM-DD' }).optional(),
});
export type FaultPlan = z.infer<typeof FaultPlan>;

