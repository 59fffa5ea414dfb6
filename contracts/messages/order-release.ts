import { z } from 'zod';
import { DecimalString, ErpOrderId, MaterialCode, Token, UnitOfMeasure } from '../tokens.js';

/** ERP says a production order is released to the shop floor (webhook or `erp.<site>.order.released`). */
export const OrderReleased = z.object({
  v: z.literal(1),
  site: Token,
  erpOrderId: ErpOrderId,
  material: MaterialCode,
  quantity: DecimalString,
  unit: UnitOfMeasure,
  line: Token,
  operation: z.string().regex(/^\d{4}$/, 'must be a 4-digit operation number like 0010').default('0010'),
  plannedStart: z.iso.datetime({ offset: true }).optional(),
  plannedEnd: z.iso.datetime({ offset: true }).optional(),
  releasedAt: z.iso.datetime({ offset: true }),
});
export type OrderReleased = z.infer<typeof OrderReleased>;
