import { toThousandths, fromThousandths } from '../../contracts/decimal.js';
import type { GoodsMovementRequest } from '../../contracts/erp-port.js';
import type { Posting } from '../../contracts/messages/erp-rest.js';

/**
 * How each movement changes an order's blocked stock of a material: a receipt into it (101 blocked) and the
 * transfers and withdrawals out of it, with their reversals. Unrestricted receipts and component issues do not.
 */
function blockedSign(movementType: string | null, stockType: string | null | undefined): number {
  if (movementType === '101') return stockType === 'blocked' ? 1 : 0;
  if (movementType === '102') return stockType === 'blocked' ? -1 : 0;
  return ({ '343': -1, '344': 1, '555': -1, '556': 1 } as Record<string, number>)[movementType ?? ''] ?? 0;
}

/** Whether the movement takes from blocked stock (343, 555, a blocked 102): only those can run short of it. */
export const takesBlockedStock = (req: GoodsMovementRequest): boolean => blockedSign(req.movementType, req.stockType) < 0;

/**
 * Why the ERP refuses a movement that takes more out of the order's blocked stock than is in it (a 343, 555 or blocked
 * 102 beyond what the order received blocked), as SAP does with M7/021 "deficit of blocked stock"; null when it can
 * be posted. `postings`: the order's documents so far (cancelled ones do not count). Quantities in thousandths.
 */
export function blockedStockDeficit(req: GoodsMovementRequest, postings: readonly Posting[]): string | null {
  if (!takesBlockedStock(req)) return null;
  for (const item of req.items) {
    const onHand = postings
      .filter((p) => p.kind === 'goods-movement' && !p.cancelled)
      .reduce((s, p) => s + blockedSign(p.movementType, p.stockType) * (p.items ?? [])
        .filter((i) => i.material === item.material)
        .reduce((q, i) => q + toThousandths(i.quantity), 0), 0);
    const wanted = toThousandths(item.quantity);
    if (wanted > onHand) {
      return `M7/021 deficit of blocked stock ${fromThousandths(wanted - onHand)} ${item.unit}: ${item.material} of order ${req.erpOrderId} ` +
        `has ${fromThousandths(onHand)} ${item.unit} blocked, movement ${req.movementType} takes ${item.quantity}`;
    }
  }
  return null;
}
