import { z } from 'zod';
import { DecimalString, ErpOrderId, MaterialCode, Token, UnitOfMeasure } from '../tokens.js';

/** HTTP contract of the built-in ERP simulator, shared by the simulator (server) and its adapter (client). */

// ConfirmationText holds 40 characters in SAP, MaterialDocumentHeaderText 25: the sim enforces the larger bound.
const PostingKey = z.string().min(1).max(40);
/**
 * Notifications and downtime have no 40-character SAP field to fit (the SAP adapter hashes into its own fields), and
 * a shift's key carries site and line tokens of up to 64 characters each: the bound is the MES key's own.
 */
const LongPostingKey = z.string().min(1).max(200);

export const ConfirmationRequest = z.object({
  postingKey: PostingKey,
  erpOrderId: ErpOrderId,
  operation: z.string().regex(/^\d{4}$/),
  yieldQty: DecimalString,
  scrapQty: DecimalString,
  unit: UnitOfMeasure,
  isFinal: z.boolean(),
});
export type ConfirmationRequest = z.infer<typeof ConfirmationRequest>;

export const GoodsMovementItem = z.object({ material: MaterialCode, quantity: DecimalString, unit: UnitOfMeasure });
export type GoodsMovementItem = z.infer<typeof GoodsMovementItem>;

export const GoodsMovementRequest = z.object({
  postingKey: PostingKey,
  erpOrderId: ErpOrderId,
  movementType: z.enum(['101', '102', '261', '262']),
  items: z.array(GoodsMovementItem).min(1),
  // SAP needs plant and storage location per item; the simulator ignores them. From the line in the plant model.
  plant: z.string().regex(/^[A-Z0-9]{4}$/).optional(),
  storageLocation: z.string().regex(/^[A-Z0-9]{4}$/).optional(),
});
export type GoodsMovementRequest = z.infer<typeof GoodsMovementRequest>;

const Plant = z.string().regex(/^[A-Z0-9]{4}$/, 'must be a 4-character SAP plant like 1010');
/** SAP KOSTL: as the plant model spells cost centers. */
const CostCenter = z.string().regex(/^[A-Z0-9]{1,10}$/, 'must be 1-10 of A-Z and 0-9 (SAP KOSTL)');

/**
 * A quality notification: something is wrong with a quantity of a material (an out-of-spec measurement, a defect seen
 * at the line). The ERP opens its own notification for a person to disposition.
 */
export const QualityNotificationRequest = z.object({
  postingKey: LongPostingKey,
  /** The order the quantity was produced for, when there is one. */
  erpOrderId: ErpOrderId.optional(),
  material: MaterialCode,
  plant: Plant,
  quantity: DecimalString,
  unit: UnitOfMeasure,
  /** What is wrong, in a person's words (defect, measured value against its limits). */
  defectText: z.string().min(1).max(1000),
  /** Who reported it: a user name as the ERP knows it (SAP: 12 characters). */
  reportedBy: z.string().min(1).max(12),
});
export type QualityNotificationRequest = z.infer<typeof QualityNotificationRequest>;

/** The machine states that are downtime: everything but `running` (MachineState in machine-event.ts). */
export const DowntimeState = z.enum(['idle', 'stopped', 'setup', 'fault', 'unknown']);
export type DowntimeState = z.infer<typeof DowntimeState>;

/** One interval in which a machine did not run, charged to the cost center of its line. */
export const DowntimeRequest = z.object({
  postingKey: LongPostingKey,
  plant: Plant,
  line: Token,
  costCenter: CostCenter,
  machine: Token,
  state: DowntimeState,
  startedAt: z.iso.datetime({ offset: true }),
  endedAt: z.iso.datetime({ offset: true }),
  /** Minutes, as a decimal string with at most 3 places (0.001 min = 60 ms). */
  durationMin: DecimalString,
});
export type DowntimeRequest = z.infer<typeof DowntimeRequest>;

export const PostingKind = z.enum(['confirmation', 'goods-movement', 'quality-notification', 'downtime']);
export type PostingKind = z.infer<typeof PostingKind>;

export const Posting = z.object({
  document: z.string(),
  postingKey: z.string(),
  kind: PostingKind,
  /** Null for documents that belong to no order (downtime, a notification without order). */
  erpOrderId: z.string().nullable(),
  yieldQty: DecimalString.nullable(),
  scrapQty: DecimalString.nullable(),
  movementType: z.string().nullable(),
  isFinal: z.boolean().nullable(),
  // Additive: older simulators do not send the items of a goods movement.
  items: z.array(GoodsMovementItem).nullable().optional(),
  // Additive, for quality notifications and downtime; older simulators do not send them.
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
  postedAt: z.string(),
  // Additive: older simulators cannot cancel, so their documents never are.
  cancelled: z.boolean().optional(),
});
export type Posting = z.infer<typeof Posting>;

export const PostingList = z.object({ postings: z.array(Posting) });
export type PostingList = z.infer<typeof PostingList>;

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

