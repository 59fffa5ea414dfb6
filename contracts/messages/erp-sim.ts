import { z } from 'zod';
import { DecimalString, ErpOrderId, MaterialCode, UnitOfMeasure } from '../tokens.js';

/** HTTP contract of the built-in ERP simulator, shared by the simulator (server) and its adapter (client). */

// ConfirmationText holds 40 characters in SAP, MaterialDocumentHeaderText 25: the sim enforces the larger bound.
const PostingKey = z.string().min(1).max(40);

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

export const Posting = z.object({
  document: z.string(),
  postingKey: z.string(),
  kind: z.enum(['confirmation', 'goods-movement']),
  erpOrderId: z.string(),
  yieldQty: DecimalString.nullable(),
  scrapQty: DecimalString.nullable(),
  movementType: z.string().nullable(),
  isFinal: z.boolean().nullable(),
  // Additive: older simulators do not send the items of a goods movement.
  items: z.array(GoodsMovementItem).nullable().optional(),
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
});
export type FaultPlan = z.infer<typeof FaultPlan>;

export const ErpError = z.object({ error: z.string(), message: z.string() });
