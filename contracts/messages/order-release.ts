import { z } from 'zod';
import { OrderComponent } from '../erp-port.js';
import { DecimalString, MaterialCode, Token, UnitOfMeasure } from '../tokens.js';
import { SapOperation, SapOrderNumber } from './sap-odata.js';

/**
 * How a work order confirms: partial confirmations every `partialEvery` good units and/or every
 * `partialEveryMinutes` (none when both are absent), a final at
 * completion; goods receipt (101) of the finished quantity with each confirmation when `goodsReceipt`; confirmed yield
 * may exceed the order quantity by `overdeliveryTolerancePct` (SAP's over-delivery tolerance of the order).
 */
export const ConfirmationPolicy = z.object({
  partialEvery: z.number().int().positive().optional(),
  /** A partial confirmation of whatever was counted, at the latest this many minutes after the last one. */
  partialEveryMinutes: z.number().positive().max(24 * 60).optional(),
  goodsReceipt: z.boolean().default(false),
  overdeliveryTolerancePct: z.number().min(0).max(100).default(10),
});
export type ConfirmationPolicy = z.infer<typeof ConfirmationPolicy>;

/** ERP says a production order is released to the shop floor (webhook or `erp.<site>.order.released`). */
export const OrderReleased = z.object({
  v: z.literal(1),
  site: Token,
  /**
   * Releases come from SAP today (or from the simulator, which numbers its orders as SAP does): the order number is
   * held to SAP's AUFNR as it always was (test/fixtures/messages/order-release pins the message), narrower than the
   * port's `ErpOrderId` (contracts/tokens.ts). A release from another ERP needs this widened to `ErpOrderId`.
   */
  erpOrderId: SapOrderNumber,
  material: MaterialCode,
  quantity: DecimalString,
  unit: UnitOfMeasure,
  line: Token,
  /** SAP's VORNR, as the order number above. */
  operation: SapOperation.default('0010'),
  plannedStart: z.iso.datetime({ offset: true }).optional(),
  plannedEnd: z.iso.datetime({ offset: true }).optional(),
  releasedAt: z.iso.datetime({ offset: true }),
  // Additive and optional: releases without it confirm once at completion, no goods receipt, 10 % tolerance.
  confirmationPolicy: ConfirmationPolicy.optional(),
  /**
   * The order's own components as the ERP planned them (SAP: the released order's components with their reservations,
   * read by services/sap-intake.ts). Present: the backflush issues these, against their reservations, instead of the
   * plant file's BOM; absent (the simulator, a release by hand): the plant file's BOM. Additive and optional.
   */
  components: z.array(OrderComponent).optional(),
  /**
   * The batch the ERP gives the order's output (SAP CHARG, 10 characters); absent: one derived from the order number
   * (docs/genealogy.md). Additive and optional.
   */
  batch: z.string().regex(/^[A-Za-z0-9._/-]{1,10}$/, 'must be 1-10 of A-Z, a-z, 0-9, . _ / - (SAP CHARG)').optional(),
});
export type OrderReleased = z.infer<typeof OrderReleased>;
