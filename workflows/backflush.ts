import type { GoodsMovementItem } from '../contracts/messages/erp-sim.js';
import type { OrderContext } from '../activities/master-data.js';

/**
 * Backflush arithmetic in integer thousandths: ERP quantities carry three decimals, and a float product such as
 * 0.1 x 3 = 0.30000000000000004 must never reach the ERP or make two sums differ. Pure and deterministic, so the
 * workflow computes the same quantities on replay.
 */
export function toThousandths(decimal: string): number {
  const [int, frac = ''] = decimal.split('.');
  return Number(int) * 1000 + Number(frac.padEnd(3, '0').slice(0, 3));
}

export function fromThousandths(n: number): string {
  const int = Math.trunc(n / 1000);
  const frac = String(n % 1000).padStart(3, '0').replace(/0+$/, '');
  return frac ? `${int}.${frac}` : String(int);
}

/** Components to issue for `yieldQty` good units: quantityPer x yield per BOM item; zero lines are left out. */
export function componentQuantities(bom: OrderContext['bom'], yieldQty: number): GoodsMovementItem[] {
  return bom
    .map((b) => ({ material: b.component, quantity: fromThousandths(toThousandths(b.quantityPer) * yieldQty), unit: b.unit }))
    .filter((i) => i.quantity !== '0');
}
