import { z } from 'zod';

/**
 * What is the ERP simulators' own: the `FaultPlan` they are driven with (simulators/erp/, simulators/sap-odata/).
 * The built-in simulator's API is the generic REST ERP's wire (`Posting`, `PostingList`: ./erp-rest.ts).
 */
export const FaultPlan = z.object({
  errorRate: z.number().min(0).max(1).default(0),
  replyLossRate: z.number().min(0).max(1).default(0),
  latencyMs: z.number().int().min(0).max(60_000).default(0),
  outage: z.boolean().default(false),
  seed: z.number().int().optional(),
  /** Orders whose confirmations the ERP refuses on business grounds (a forced permanent rejection, for tests). */
  rejectOrders: z.array(z.string()).default([]),
  /** Materials for which the ERP refuses quality notifications (a forced permanent rejection, for tests). */
  rejectMaterials: z.array(z.string()).default([]),
});
export type FaultPlan = z.infer<typeof FaultPlan>;

