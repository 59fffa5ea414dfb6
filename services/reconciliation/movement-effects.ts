import type { ErpPosting } from '../../contracts/erp-port.js';

/**
 * What one goods movement does to the order's books, as (family, sign) pairs: `issue` (261 +, 262 -), `receipt` (101 +,
 * 102 -, either stock) and `blocked` (101/102 to or from blocked stock, 343 and 555 out of it, 344 and 556 into it).
 * Source: SAP's standard movement types (T156).
 */
export function movementEffects(p: ErpPosting): Array<['issue' | 'receipt' | 'blocked', number]> {
  const blocked = p.stockType === 'blocked';
  switch (p.movementType) {
    case '261': return [['issue', 1]];
    case '262': return [['issue', -1]];
    case '101': return blocked ? [['receipt', 1], ['blocked', 1]] : [['receipt', 1]];
    case '102': return blocked ? [['receipt', -1], ['blocked', -1]] : [['receipt', -1]];
    case '343': case '555': return [['blocked', -1]];
    case '344': case '556': return [['blocked', 1]];
    default: return [];
  }
}
