import type { GoodsMovementItem } from '../contracts/erp-port.js';
import type { OrderContext } from '../activities/master-data.js';
import type { OrderReleased } from '../contracts/messages/order-release.js';
import { fromThousandths, toThousandths } from '../contracts/decimal.js';

/**
 * Components to issue for `yieldQty` good units: quantityPer x yield per BOM item, in thousandths (contracts/decimal.ts);
 * zero lines are left out. A component read from the ERP's order keeps its reservation, storage location and batch,
 * so its 261 (and the 262 that reverses it) withdraws against the order's reservation; with `finalIssue` (the final
 * confirmation) such an item closes its reservation. Pure, so the workflow computes the same quantities on replay.
 */
export function componentQuantities(bom: OrderContext['bom'], yieldQty: number, finalIssue = false): GoodsMovementItem[] {
  return bom
    .map((b): GoodsMovementItem => ({
      material: b.component,
      quantity: fromThousandths(toThousandths(b.quantityPer) * yieldQty),
      unit: b.unit,
      ...(b.reservation ? { reservation: b.reservation } : {}),
      ...(b.storageLocation ? { storageLocation: b.storageLocation } : {}),
      ...(b.batch ? { batch: b.batch } : {}),
      ...(b.reservation && finalIssue ? { finalIssue: true } : {}),
    }))
    .filter((i) => i.quantity !== '0');
}

/**
 * The order's own components as a per-unit BOM: each component's requirement for the whole order divided by the
 * order quantity, in thousandths (SAP plans RequiredQuantity for the order's TotalQuantity and backflushes in
 * proportion to the confirmed yield). Rounded to 0.001 per unit: a requirement that does not divide evenly issues
 * at most 0.0005 x yield off the reservation, which the final issue of a real order settles in the ERP.
 */
export function bomFromComponents(components: NonNullable<OrderReleased['components']>, orderQuantity: string): OrderContext['bom'] {
  const perMilli = toThousandths(orderQuantity);
  return components.map((c) => ({
    component: c.material,
    quantityPer: fromThousandths(perMilli === 0 ? 0 : (toThousandths(c.requiredQty) * 1000) / perMilli),
    unit: c.unit,
    ...(c.reservation ? { reservation: c.reservation } : {}),
    ...(c.storageLocation ? { storageLocation: c.storageLocation } : {}),
    ...(c.batch ? { batch: c.batch } : {}),
  }));
}

/** The order's context with the release's own components as its BOM when it carries them; else as loaded. */
export function withOrderComponents(ctx: OrderContext, release: OrderReleased): OrderContext {
  return release.components && release.components.length > 0 ? { ...ctx, bom: bomFromComponents(release.components, release.quantity) } : ctx;
}
