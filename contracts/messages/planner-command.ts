import { z } from 'zod';

// Commands a person sends a work order through the planner API (Temporal updates and signals, names in
// workflows/definitions.ts). `requestedBy` is the authenticated caller, set by the API, never taken from the body.

const RequestedBy = z.string().min(1).max(100);

/** Hold, resume or cancel an order: validated by the workflow before anything is written, answered with the new status. */
export const PlannerCommand = z.object({
  reason: z.string().min(3, 'say why, at least 3 characters').max(200),
  requestedBy: RequestedBy,
});
export type PlannerCommand = z.infer<typeof PlannerCommand>;

/** A quality person holds counted, unconfirmed units; the ERP gets a quality notification. */
export const QualityHoldCommand = z.object({
  quantity: z.number().int('must be a whole number of units').positive(),
  defectText: z.string().min(3, 'say what is wrong, at least 3 characters').max(1000),
  requestedBy: RequestedBy,
  /**
   * Receive the held units into the ERP's blocked stock (101 to blocked; a release moves them out with 343, a scrap
   * with 555): only for an order whose policy posts goods receipts (docs/quality.md, "Blocked stock").
   */
  blockedStock: z.boolean().optional(),
});
export type QualityHoldCommand = z.infer<typeof QualityHoldCommand>;

/**
 * What becomes of a quality hold's units: released as good, scrapped, or reworked (confirmed on a rework operation
 * first, then good).
 */
export const DispositionDecision = z.enum(['release', 'scrap', 'rework']);
export type DispositionDecision = z.infer<typeof DispositionDecision>;

/** The decision on a quality hold: its units are released as good or scrapped. */
export const QualityDisposition = z.object({
  /** The hold's id, also the posting sequence of its quality notification. */
  holdId: z.number().int().positive(),
  decision: DispositionDecision,
  /**
   * Why the units are scrapped (the plant's scrap reason code, e.g. SAP's variance reason); kept on the hold and in the
   * audit. Absent: an automatic hold's characteristic code, else none.
   */
  reasonCode: z.string().regex(/^[A-Za-z0-9_-]{1,20}$/, 'must be 1-20 of A-Z, a-z, 0-9, _ and -').optional(),
  /** For `rework`: the operation (routing step) the rework is confirmed on, e.g. SAP VORNR `0900`. */
  reworkOperation: z.string().regex(/^[0-9A-Z]{1,10}$/, 'must be 1-10 of 0-9 and A-Z, like 0900').optional(),
  requestedBy: RequestedBy,
});
export type QualityDisposition = z.infer<typeof QualityDisposition>;

/** A person fixed what made the ERP reject the posting; the workflow posts again under the same key. */
export const RetryPosting = z.object({ requestedBy: RequestedBy });
export type RetryPosting = z.infer<typeof RetryPosting>;
