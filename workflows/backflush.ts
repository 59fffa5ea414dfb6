import type { GoodsMovementItem } from '../contracts/erp-port.js';
import type { OrderContext } from '../activities/master-data.js';
import type { OrderReleased } from '../contracts/messages/order-release.js';
import { componentNeed, fromThousandths, toThousandths } from '../contracts/decimal.js';
import type { StandingPosting } from './work-order-ledger.js';

type BomItem = OrderContext['bom'][number];

/** What a BOM item issues as a movement item, but its quantity: reservation, storage location, batch. */
function movementItem(b: BomItem, quantity: string, finalIssue: boolean): GoodsMovementItem {
  return {
    material: b.component,
    quantity,
    unit: b.unit,
    ...(b.reservation ? { reservation: b.reservation } : {}),
    ...(b.storageLocation ? { storageLocation: b.storageLocation } : {}),
    ...(b.batch ? { batch: b.batch } : {}),
    ...(b.reservation && finalIssue ? { finalIssue: true } : {}),
  };
}

/**
 * The backflush of runs started before `cumulativeComponentQuantities` (workflows/work-order.ts, patch
 * 'backflush-cumulative'): quantityPer x this confirmation's yield, zero lines left out. Kept only so the histories of
 * those runs replay as they ran; it rounds per piece, so it may issue more or less than the order needs.
 */
export function componentQuantities(bom: OrderContext['bom'], yieldQty: number, finalIssue = false): GoodsMovementItem[] {
  return bom
    .map((b) => movementItem(b, fromThousandths(toThousandths(b.quantityPer) * yieldQty), finalIssue))
    .filter((i) => i.quantity !== '0');
}

/** A component line's identity across postings: its material and the reservation item it withdraws against. */
const lineKey = (material: string, r?: { reservation: string; reservationItem: string }) =>
  r ? `${material}@${Number(r.reservation)}/${Number(r.reservationItem)}` : material;

/**
 * What the order's standing 261s issued so far, per component line, in thousandths. A 261 that was reversed (a
 * compensation after a refused confirmation, a cancellation's 262) is not standing, so 262s are already netted out.
 */
export function issuedSoFar(standing: readonly StandingPosting[]): Map<string, bigint> {
  const issued = new Map<string, bigint>();
  for (const p of standing) {
    if (p.kind !== 'goods-issue') continue;
    for (const i of p.items) {
      const k = lineKey(i.material, i.reservation);
      issued.set(k, (issued.get(k) ?? 0n) + BigInt(toThousandths(i.quantity)));
    }
  }
  return issued;
}

/**
 * Components to issue (261) with a confirmation of `yieldQty` more good units after `confirmedBefore`: for each BOM
 * item, what the order needs for the cumulative confirmed yield (`componentNeed`, contracts/decimal.ts) minus what its standing 261s already
 * issued. Rounding happens once on the cumulative figure, so the issues of all confirmations add up to the exact
 * proportional requirement, and the final confirmation issues what the order's whole yield needs: 1 + 1 + 1 of an
 * order of 3 needing 2.5 KG issue 0.833 + 0.834 + 0.833. A line with nothing (more) to issue is left out: SAP refuses
 * a material document item without quantity. With `finalIssue` (the final confirmation) each item with a reservation
 * closes it (ReservationIsFinallyIssued); reservation items with nothing left to issue are closed by the final
 * confirmation's OpenReservationsIsCleared instead (workflows/work-order-postings.ts). Pure: the same on replay.
 */
export function cumulativeComponentQuantities(
  bom: OrderContext['bom'],
  confirmedBefore: number,
  yieldQty: number,
  standing: readonly StandingPosting[],
  finalIssue = false,
): GoodsMovementItem[] {
  const issued = issuedSoFar(standing);
  return bom.flatMap((b) => {
    const due = componentNeed(b, confirmedBefore + yieldQty) - (issued.get(lineKey(b.component, b.reservation)) ?? 0n);
    return due > 0n ? [movementItem(b, fromThousandths(Number(due)), finalIssue)] : [];
  });
}

/**
 * The order's own components as a BOM: each keeps its requirement for the whole order and the order quantity it is
 * planned for (`required`, what the backflush issues in proportion to), and a per-unit `quantityPer` rounded to 0.001
 * for runs started before the cumulative backflush. Only components SAP issues with movement type 261 reach here
 * (erp/s4hana/production-orders.ts leaves by-products out).
 */
export function bomFromComponents(components: NonNullable<OrderReleased['components']>, orderQuantity: string): OrderContext['bom'] {
  const perMilli = toThousandths(orderQuantity);
  return components.map((c) => ({
    component: c.material,
    quantityPer: fromThousandths(perMilli === 0 ? 0 : (toThousandths(c.requiredQty) * 1000) / perMilli),
    required: { quantity: c.requiredQty, forOrderQuantity: orderQuantity },
    unit: c.unit,
    ...(c.decimals === undefined ? {} : { decimals: c.decimals }),
    ...(c.reservation ? { reservation: c.reservation } : {}),
    ...(c.storageLocation ? { storageLocation: c.storageLocation } : {}),
    ...(c.batch ? { batch: c.batch } : {}),
  }));
}

/** The order's context with the release's own components as its BOM when it carries them; else as loaded. */
export function withOrderComponents(ctx: OrderContext, release: OrderReleased): OrderContext {
  return release.components && release.components.length > 0 ? { ...ctx, bom: bomFromComponents(release.components, release.quantity) } : ctx;
}
