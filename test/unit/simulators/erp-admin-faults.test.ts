import { afterAll, describe, expect, it } from 'vitest';
import { buildErpSimulator } from '../../../simulators/erp/app.js';
import type { SimLedger } from '../../../simulators/erp/ledger.js';

// The simulator's fault knobs for the exception inbox (issue 14): set through the zod-validated admin endpoint, they
// refuse or hold a posting before the ledger is touched (the ledger here throws if it is).
const ledger = new Proxy({}, { get: () => () => { throw new Error('the ledger must not be reached'); } }) as unknown as SimLedger;
const app = buildErpSimulator({ ledger });
afterAll(() => app.close());

const movement = (erpOrderId: string, movementType: string) => ({
  method: 'POST' as const, url: '/api/goods-movements',
  payload: { postingKey: `k-${erpOrderId}-${movementType}`, erpOrderId, movementType, items: [{ material: 'SHEET-2MM', quantity: '1', unit: 'KG' }] },
});

describe('ERP simulator admin faults', () => {
  it('refuses a bad plan naming the field, and applies a good one', async () => {
    const bad = await app.inject({ method: 'PUT', url: '/admin/faults', payload: { rejectMovements: [{ movementType: '999' }] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/rejectMovements/);
    const good = await app.inject({ method: 'PUT', url: '/admin/faults', payload: { rejectMovements: [{ movementType: '262', erpOrderId: '42' }], unavailableOrders: ['7'] } });
    expect(good.statusCode, good.body).toBe(200);
  });

  it('refuses the ruled movement with 422 ErpRejected and answers the down order with 503', async () => {
    const refused = await app.inject(movement('42', '262'));
    expect([refused.statusCode, refused.json<{ title: string }>().title]).toEqual([422, 'ErpRejected']);
    const down = await app.inject(movement('7', '261'));
    expect([down.statusCode, down.json<{ title: string }>().title]).toEqual([503, 'ErpUnavailable']);
    const confirmation = await app.inject({ method: 'POST', url: '/api/confirmations', payload: { postingKey: 'c-7', erpOrderId: '7', operation: '0010', yieldQty: '1', scrapQty: '0', unit: 'PC', isFinal: false } });
    expect(confirmation.statusCode, confirmation.body).toBe(503);
  });
});
