import { z } from 'zod';
import { GoodsMovementItem, PostingKind, StockType } from '../erp-port.js';
import { DecimalString } from '../tokens.js';

/**
 * The generic REST ERP's wire: what the REST adapter (erp/rest/adapter.ts) sends and expects, documented for
 * integrators in docs/erp-rest.md. Its request bodies are the port's requests (contracts/erp-port.ts); its answer is a
 * `Posting` (one ERP document) or a `PostingList`. The built-in ERP simulator (simulators/erp/) speaks it too.
 */

/** One ERP document, as the REST ERP answers every post and every look-up (the simulator: one row of its ledger). */
export const Posting = z.object({
  document: z.string(),
  postingKey: z.string(),
  kind: PostingKind,
  /** Null for documents that belong to no order (downtime, a notification without order). */
  erpOrderId: z.string().nullable(),
  yieldQty: DecimalString.nullable(),
  scrapQty: DecimalString.nullable(),
  movementType: z.string().nullable(),
  /** Additive: a 101's or 102's stock (`StockType`, absent: unrestricted or not said); older ERPs do not send it. */
  stockType: StockType.nullable().optional(),
  /** Additive: a confirmation's operation, as the request named it; older ERPs do not send it. */
  operation: z.string().nullable().optional(),
  isFinal: z.boolean().nullable(),
  // Additive: older ERPs (and simulators) do not send the items of a goods movement.
  items: z.array(GoodsMovementItem).nullable().optional(),
  // Additive, for quality notifications and downtime; older ERPs (and simulators) do not send them.
  material: z.string().nullable().optional(),
  plant: z.string().nullable().optional(),
  quantity: DecimalString.nullable().optional(),
  unit: z.string().nullable().optional(),
  /** The defect text of a notification, or the machine state of a downtime. */
  reason: z.string().nullable().optional(),
  reportedBy: z.string().nullable().optional(),
  line: z.string().nullable().optional(),
  costCenter: z.string().nullable().optional(),
  machine: z.string().nullable().optional(),
  startedAt: z.string().nullable().optional(),
  endedAt: z.string().nullable().optional(),
  durationMin: DecimalString.nullable().optional(),
  /** A downtime's notification type and breakdown indicator (absent from ERPs that do not keep them). */
  notificationType: z.string().nullable().optional(),
  breakdown: z.boolean().nullable().optional(),
  postedAt: z.string(),
  // Additive: older ERPs (and simulators) cannot cancel, so their documents never are.
  cancelled: z.boolean().optional(),
  // Additive: the date (`YYYY-MM-DD`) a confirmation or movement is booked under, and the production's date when the
  // posting moved out of a closed period (docs/erp-rest.md); older ERPs do not send them.
  postingDate: z.string().nullable().optional(),
  documentDate: z.string().nullable().optional(),
});
export type Posting = z.infer<typeof Posting>;

/** The answer of a look-up (by posting key, by order, downtime by plant). */
export const PostingList = z.object({ postings: z.array(Posting) });
export type PostingList = z.infer<typeof PostingList>;
