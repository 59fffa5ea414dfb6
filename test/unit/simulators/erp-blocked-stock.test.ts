import { describe, expect, it } from 'vitest';
import type { GoodsMovementRequest } from '../../../contracts/erp-port.js';
import type { Posting } from '../../../contracts/messages/erp-rest.js';
import { blockedStockDeficit } from '../../../simulators/erp/blocked-stock.js';

const posting = (movementType: string, quantity: string, stockType?: 'blocked' | 'unrestricted', cancelled = false): Posting => ({
  document: `50${movementType}`, postingKey: `wo#${movementType}`, kind: 'goods-movement', erpOrderId: '7300001', yieldQty: null, scrapQty: null,
  movementType, ...(stockType ? { stockType } : {}), isFinal: null, items: [{ material: 'BRACKET-A', quantity, unit: 'PC' }], postedAt: '2026-11-30T00:00:00Z', cancelled,
});
const request = (movementType: GoodsMovementRequest['movementType'], quantity: string, stockType?: 'blocked'): GoodsMovementRequest => ({
  postingKey: 'wo#9', erpOrderId: '7300001', movementType, ...(stockType ? { stockType } : {}), items: [{ material: 'BRACKET-A', quantity, unit: 'PC' }],
});

describe('the ERP simulator\'s blocked stock', () => {
  const books = [posting('101', '40', 'unrestricted'), posting('101', '15', 'blocked'), posting('101', '6', 'blocked'), posting('343', '15')];

  it('lets a 343, 555 or blocked 102 take what the order holds blocked, and any movement into it', () => {
    expect(blockedStockDeficit(request('555', '6'), books)).toBeNull();
    expect(blockedStockDeficit(request('102', '6', 'blocked'), books)).toBeNull();
    expect(blockedStockDeficit(request('344', '15'), books)).toBeNull();
    expect(blockedStockDeficit(request('101', '99', 'blocked'), books)).toBeNull();
    expect(blockedStockDeficit(request('102', '40'), books)).toBeNull(); // unrestricted: not the blocked stock's business
  });

  it('refuses more than is blocked, as SAP does (M7/021), naming material, order and quantities', () => {
    expect(blockedStockDeficit(request('343', '7'), books)).toBe('M7/021 deficit of blocked stock 1 PC: BRACKET-A of order 7300001 has 6 PC blocked, movement 343 takes 7');
    expect(blockedStockDeficit(request('555', '1'), [...books, posting('555', '6')])).toMatch(/has 0 PC blocked/);
    // A cancelled document no longer counts.
    expect(blockedStockDeficit(request('343', '6'), [...books.slice(0, 2), posting('101', '6', 'blocked', true), posting('343', '15')])).toMatch(/deficit of blocked stock 6 PC/);
  });
});
