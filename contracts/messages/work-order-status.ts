import { z } from 'zod';
import { DecimalString } from '../tokens.js';

// `cancelling`: a cancelled order's postings are being taken back from the ERP, the last first.
export const WorkOrderPhase = z.enum(['released', 'running', 'confirming', 'confirmed', 'exception', 'cancelling', 'cancelled']);
export type WorkOrderPhase = z.infer<typeof WorkOrderPhase>;

/** What a work order reports: the answer of its status query, the row of its read model, the API's reply. */
export const WorkOrderStatus = z.object({
  workflowId: z.string(),
  site: z.string(),
  erpOrderId: z.string(),
  line: z.string(),
  material: z.string(),
  operation: z.string(),
  plannedQuantity: DecimalString,
  unit: z.string(),
  phase: WorkOrderPhase,
  good: z.number().int().nonnegative(),
  scrap: z.number().int().nonnegative(),
  eventsApplied: z.number().int().nonnegative(),
  duplicatesDropped: z.number().int().nonnegative(),
  /** Quantities ERP has confirmed so far (partials and final), from workflow state. */
  confirmedGood: z.number().int().nonnegative(),
  confirmedScrap: z.number().int().nonnegative(),
  /** The order's policy posts goods receipts (101) with its confirmations. */
  goodsReceipt: z.boolean(),
  /** A planner holds the order: counts are still taken, nothing is confirmed until it is resumed. */
  held: z.boolean(),
  confirmationDocument: z.string().nullable(),
  exception: z.string().nullable(),
  releasedAt: z.string(),
  plannedStart: z.string().nullable(),
  plannedEnd: z.string().nullable(),
});
export type WorkOrderStatus = z.infer<typeof WorkOrderStatus>;
