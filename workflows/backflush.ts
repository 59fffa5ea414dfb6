import type { GoodsMovementItem } from '../contracts/erp-port.js';
import type { OrderContext } from '../activities/master-data.js';
import { fromThousandths, toThousandths } from '../contracts/decimal.js';

/**
 * Components to issue for `yieldQty` good units: quantityPer x yield per BOM item, in thousandths (contracts/decimal.ts);
 * zero lines are left out. Pure, so the workflow computes the same quantities on replay.
 */
export function componentQuantities(bom: OrderContext['bom'], yieldQty: number): GoodsMovementItem[] {
  return bom
    .map((b) => ({ material: b.component, quantity: fromThousandths(toThousandths(b.quantityPer) * yieldQty), unit: b.unit }))
    .filter((i) => i.quantity !== '0');
}
