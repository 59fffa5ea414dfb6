import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErpUnavailable } from '../../contracts/erp-port.js';
import { RestErpAdapter } from '../../erp/rest/adapter.js';
import { signRequest, verifyRequest } from '../../erp/rest/hmac.js';
import { startPostgres, type PostgresServer } from '../../stack/postgres.js';
import { startErpSimulator } from '../../workers/wiring/erp-simulator.js';
import { benchDir } from '../../bench/_util.js';

// The generic REST adapter against the ERP simulator run as a signing REST ERP: real HTTP, real ledger in PostgreSQL.
const SECRET = 'rest-erp-test-secret-0123456789';
let dir: string;
let pg: PostgresServer;
let sim: Awaited<ReturnType<typeof startErpSimulator>>;

beforeAll(async () => {
  dir = await benchDir('rest');
  pg = await startPostgres({ dataDir: dir });
  sim = await startErpSimulator({ databaseUrl: pg.url, hmacSecret: SECRET });
});
afterAll(async () => {
  await sim?.stop();
  await pg?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('generic REST ERP adapter, HMAC-signed', () => {
  it('posts, looks up and lists with signed requests', async () => {
    const erp = new RestErpAdapter({ baseUrl: sim.url, hmacSecret: SECRET });
    const conf = await erp.postConfirmation({ postingKey: 'wo#1', erpOrderId: '3000001', operation: '0010', yieldQty: '12', scrapQty: '1', unit: 'PC', isFinal: true });
    await erp.postGoodsMovement({ postingKey: 'wo#2', erpOrderId: '3000001', movementType: '261', items: [{ material: 'SCREW-M6', quantity: '48', unit: 'PC' }] });
    expect(await erp.findPostings('wo#1')).toEqual([{ document: conf.document, postingKey: 'wo#1' }]);
    const listed = await erp.listOrderPostings('3000001');
    expect(listed.map((p) => [p.kind, p.yieldQty, p.movementType, p.items])).toEqual([
      ['confirmation', '12', null, []],
      ['goods-movement', null, '261', [{ material: 'SCREW-M6', quantity: '48', unit: 'PC' }]],
    ]);
  });

  it('cancels a confirmation once: the adapter reads it first, the ERP refuses a second cancellation with 422', async () => {
    const erp = new RestErpAdapter({ baseUrl: sim.url, hmacSecret: SECRET });
    const conf = await erp.postConfirmation({ postingKey: 'wo#9', erpOrderId: '3000009', operation: '0010', yieldQty: '5', scrapQty: '0', unit: 'PC', isFinal: false });
    expect(await erp.cancelConfirmation('wo#9')).toEqual(conf);
    expect(await erp.cancelConfirmation('wo#9')).toEqual(conf); // a retry after a lost reply: found cancelled, not asked again
    expect((await erp.listOrderPostings('3000009')).map((p) => p.cancelled)).toEqual([true]);
    expect(await erp.cancelConfirmation('wo#never')).toBeNull();
    // Asked directly, the ERP refuses a second cancellation as a business error, as a real ERP does.
    await expect(sim.ledger.cancelConfirmation(conf.document)).rejects.toThrow(/already been cancelled/);
  });

  it('is refused without the right secret, as a failure an administrator fixes (retried, not parked)', async () => {
    for (const hmacSecret of [undefined, 'another-secret-of-enough-length']) {
      const erp = new RestErpAdapter({ baseUrl: sim.url, hmacSecret });
      const err = await erp.postConfirmation({ postingKey: 'wo#9', erpOrderId: '3000002', operation: '0010', yieldQty: '1', scrapQty: '0', unit: 'PC', isFinal: true }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ErpUnavailable);
      expect((err as Error).message).toMatch(/HTTP 401/);
    }
    expect(await sim.ledger.list('3000002')).toEqual([]);
  });

  it('refuses a replayed or altered request', () => {
    const h = signRequest(SECRET, 'POST', '/api/confirmations', '{"a":1}', 1_000_000);
    const req = { method: 'POST', pathWithQuery: '/api/confirmations', body: '{"a":1}', timestamp: h['x-mes-timestamp'], signature: h['x-mes-signature'] };
    expect(verifyRequest(SECRET, req, 60_000, 1_000_500)).toBe(true);
    expect(verifyRequest(SECRET, req, 60_000, 1_000_000 + 61_000)).toBe(false);
    expect(verifyRequest(SECRET, { ...req, body: '{"a":2}' }, 60_000, 1_000_500)).toBe(false);
  });
});
