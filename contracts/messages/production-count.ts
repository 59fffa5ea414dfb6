import { z } from 'zod';

/** Good and scrap pieces counted since the previous event of the same source; eventId is deterministic at the source. */
export const ProductionCount = z.object({
  eventId: z.string().min(1).max(200),
  machine: z.string().min(1).max(64),
  sourceTime: z.iso.datetime({ offset: true }),
  good: z.number().int().nonnegative(),
  scrap: z.number().int().nonnegative(),
});
export type ProductionCount = z.infer<typeof ProductionCount>;

/** One signal carries a batch: Temporal wants a few signals per second per workflow, not one per event. */
export const ProductionCountBatch = z.object({
  v: z.literal(1),
  events: z.array(ProductionCount).min(1).max(500),
});
export type ProductionCountBatch = z.infer<typeof ProductionCountBatch>;

/** Who asked for the completion: the line (operator), a planner, or the ERP. */
export const CompletionReason = z.enum(['operator', 'planner', 'erp']);
export const CompleteOrder = z.object({
  reason: CompletionReason.default('operator'),
  requestedBy: z.string().min(1).max(100),
});
export type CompleteOrder = z.infer<typeof CompleteOrder>;
