import http from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErpReplyUnreadable } from '../../../contracts/erp-port.js';
import { MaterialCode } from '../../../contracts/tokens.js';
import { S4HanaErpAdapter } from '../../../erp/s4hana/adapter.js';
import type { SapConnection } from '../../../erp/s4hana/odata-session.js';
import { isoFromSap } from '../../../erp/s4hana/sap-fields.js';
import { SapReleasePoller } from '../../../services/sap-release-poller.js';
import type { SapIntakeDeps } from '../../../services/sap-intake.js';
import { buildSapDouble } from '../../../simulators/sap-odata/app.js';
import { SAP_CREDS } from '../../helpers/sap-double.js';
import { addSapOrder } from '../../helpers/sap-orders.js';

// Issue 18, the reviewer's findings 4, 5, 6, 8 and 10 on reading SAP, with the reviewer's values: against the SAP
// double (which pages its collections when asked) and against a stand-in written from SAP's OData v2 references.

type Handler = (url: URL, method: string, body: string) => [number, unknown] | undefined;
/** An SAP stand-in on loopback: CSRF fetch, then `h` per request; 404 with Gateway's body for anything else. */
async function standIn(h: Handler) {
  const log: { method: string; url: URL; body: string }[] = [];
  const srv = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://x');
      log.push({ method: req.method!, url, body });
      if (req.headers['x-csrf-token'] === 'Fetch') return res.writeHead(200, { 'x-csrf-token': 'T1', 'set-cookie': 'SAP_SESSIONID=abc; path=/' }).end();
      const r = h(url, req.method!, body);
      res.writeHead(r?.[0] ?? 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(r?.[1] ?? { error: { code: '/IWBEP/CM_MGW_RT/021', message: { lang: 'en', value: 'Resource not found' } } }));
    });
  });
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${(srv.address() as { port: number }).port}`;
  return { base, log, close: () => new Promise((ok) => srv.close(ok)) };
}
const meta = (set: string, key: string) => ({ uri: `http://x/${set}(${key})`, type: `API.${set}Type` });
const header = (o: string, plant: string, unit: string, iso: string, stamp: string) => ({
  __metadata: meta('A_ProductionOrder_2', o), ManufacturingOrder: o, Material: 'FG-1', ProductionPlant: plant, StorageLocation: '0001', TotalQuantity: '10.000',
  ProductionUnit: unit, ProductionUnitISOCode: iso, OrderIsReleased: 'X', OrderIsTechnicallyCompleted: '', OrderIsMarkedForDeletion: '',
  MfgOrderPlannedStartDate: '/Date(1767225600000)/', MfgOrderPlannedStartTime: 'PT08H00M00S', MfgOrderPlannedEndDate: '/Date(1767225600000)/', MfgOrderPlannedEndTime: 'PT16H00M00S',
  LastChangeDateTime: stamp,
});
const component = (item: string, mat: string) => ({
  __metadata: meta('A_ProductionOrderComponent_4', item), Reservation: '0000012345', ReservationItem: item, Material: mat, ManufacturingOrderOperation: '0010',
  StorageLocation: '0001', Batch: '', BaseUnit: 'ST', BaseUnitISOCode: 'PCE', RequiredQuantity: '100.000', WithdrawnQuantity: '0.000',
  MatlCompIsMarkedForBackflush: true, MatlCompIsMarkedForDeletion: false, GoodsMovementType: '261',
});
const docItem = (doc: string, mat: string, q: string) => ({
  MaterialDocumentYear: '2026', MaterialDocument: doc, Material: mat, GoodsMovementType: '261', QuantityInEntryUnit: q, EntryUnit: 'ST',
  GoodsMovementIsCancelled: false, Reservation: '0000012345', ReservationItem: '0001',
});
const basic = (base: string, extra: Partial<SapConnection> = {}) => new S4HanaErpAdapter({ baseUrl: base, auth: { kind: 'basic', user: 'u', password: 'p' }, ...extra });
const silent = pino({ level: 'silent' });

describe('server-driven paging (finding 6)', () => {
  it('reviewer values: components and material document items on page 2 (__next, $skiptoken) are read', async () => {
    const s = await standIn((url) => {
      const p = url.pathname;
      if (p.endsWith('/A_ProductionOrder_2')) return [200, { d: { results: [header('1000123', '1010', 'ST', 'PCE', '20260101080000')] } }];
      if (p.endsWith('/A_ProductionOrderOperation_2')) return [200, { d: { results: [{ ManufacturingOrderOperation: '0010', WorkCenter: 'WC1' }] } }];
      if (p.endsWith('/A_ProductionOrderComponent_4')) {
        if (url.searchParams.get('$skiptoken') === '1') return [200, { d: { results: [component('0002', 'RM-2')] } }];
        return [200, { d: { results: [component('0001', 'RM-1')], __next: `${url.origin}${p}?${url.searchParams}&$skiptoken=1` } }];
      }
      if (p.endsWith('/A_MaterialDocumentItem')) {
        if (url.searchParams.get('$skiptoken') === '1') return [200, { d: { results: [docItem('4900000002', 'RM-1', '7.000')] } }];
        return [200, { d: { results: [docItem('4900000001', 'RM-1', '5.000')], __next: `${url.origin}${p}?$skiptoken=1` } }];
      }
      if (p.endsWith('/ProdnOrdConf2')) return [200, { d: { results: [] } }];
      return undefined;
    });
    try {
      const a = basic(s.base, { units: { PC: { iso: 'PCE', commercial: 'ST' } } });
      expect((await a.readOrder('1000123'))?.components.map((c) => c.material)).toEqual(['RM-1', 'RM-2']);
      const posts = await a.listOrderPostings('1000123');
      expect(posts.map((p) => [p.document, p.items.map((i) => `${i.material} ${i.quantity}`)])).toEqual([
        ['4900000001/2026', ['RM-1 5']],
        ['4900000002/2026', ['RM-1 7']],
      ]);
    } finally {
      await s.close();
    }
  });

  it('a collection that never ends is an error naming the entity set, not an endless read', async () => {
    const s = await standIn((url) => [200, { d: { results: [], __next: `${url.origin}${url.pathname}?$skiptoken=${Number(url.searchParams.get('$skiptoken') ?? 0) + 1}` } }]);
    try {
      const err = await basic(s.base).listOrderPostings('1000123').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ErpReplyUnreadable);
      expect((err as Error).message).toMatch(/A_MaterialDocumentItem|ProdnOrdConf2/);
      expect((err as Error).message).toMatch(/more than 100 pages/);
    } finally {
      await s.close();
    }
  });

  it('against the double paging one entity a page: both components of an order, both of its material documents', async () => {
    const sap = buildSapDouble({ ...SAP_CREDS, pageSize: 1 });
    const base = await sap.listen({ host: '127.0.0.1', port: 0 });
    try {
      addSapOrder(sap.store, '1500001', 10, '0000700001');
      const a = new S4HanaErpAdapter({ baseUrl: base, client: SAP_CREDS.client, auth: { kind: 'basic', user: SAP_CREDS.user, password: SAP_CREDS.password } });
      expect((await a.readOrder('1500001'))?.components.map((c) => c.material)).toEqual(['SHEET-2MM', 'SCREW-M6']);
      // Two material documents of the order: reconciliation sees both items.
      for (const [key, qty] of [['paging#1', '4'], ['paging#2', '8']] as const)
        await a.postGoodsMovement({ postingKey: key, erpOrderId: '1500001', movementType: '261', plant: '1010', storageLocation: '0002', items: [{ material: 'SCREW-M6', quantity: qty, unit: 'PC' }] });
      const items = (await a.listOrderPostings('1500001')).flatMap((p) => p.items.map((i) => i.quantity));
      expect(items).toEqual(['4', '8']);
    } finally {
      await sap.close();
    }
  });
});

/** The poller's dependencies without Temporal or PostgreSQL: no line places an order, so `takeOrder` touches neither. */
const pollerDeps = (orders: SapIntakeDeps['orders'], erpPlants: Record<string, string>): SapIntakeDeps =>
  ({ client: undefined, db: undefined, orders, place: () => null, erpPlants: new Map(Object.entries(erpPlants)) }) as unknown as SapIntakeDeps;

describe('the poller with orders it cannot read, and another plant\'s (finding 4)', () => {
  it('reviewer values: order 2000001 of plant 2020 in KG, then 1000124 of plant 1010: the poll asks for plant 1010 only and takes 1000124', async () => {
    const s = await standIn((url) => {
      const p = url.pathname;
      // The stand-in ignores $filter, as a careless SAP would: the poller must still leave plant 2020 alone.
      if (p.endsWith('/A_ProductionOrder_2')) return [200, { d: { results: [header('2000001', '2020', 'KG', 'KGM', '20261130080000'), header('1000124', '1010', 'ST', 'PCE', '20261130080001')] } }];
      if (p.endsWith('/A_ProductionOrderOperation_2')) return [200, { d: { results: [{ ManufacturingOrderOperation: '0010', WorkCenter: 'WC1' }] } }];
      if (p.endsWith('/A_ProductionOrderComponent_4')) return [200, { d: { results: [] } }];
      return undefined;
    });
    try {
      const problems: string[] = [];
      const a = basic(s.base, { units: { PC: { iso: 'PCE', commercial: 'ST' } } });
      const poller = new SapReleasePoller(pollerDeps(a, { 1010: 'plant1' }), { since: '2026-11-30T00:00:00Z', everyMs: 1000 }, silent, {
        refused: async () => {},
        problem: async (_site, order, reason) => void problems.push(`${order}: ${reason}`),
      });
      expect((await poller.pollOnce()).map((r) => r.erpOrderId)).toEqual(['1000124']);
      expect(poller.since).toBe('2026-11-30T08:00:01Z');
      const filters = s.log.filter((l) => l.url.pathname.endsWith('/A_ProductionOrder_2')).map((l) => l.url.searchParams.get('$filter'));
      expect(filters.every((f) => f?.includes("(ProductionPlant eq '1010')"))).toBe(true);
      // 1000124 unplaced (no line in this test): a person is told, once.
      expect(problems).toEqual([expect.stringMatching(/^1000124: SAP order 1000124: unplaced/)]);
      await poller.pollOnce();
      expect(problems).toHaveLength(1);
    } finally {
      await s.close();
    }
  });

  it('an order of our plant in a unit the plant file does not map is an exception for that order; the next one is taken', async () => {
    const s = await standIn((url) => {
      const p = url.pathname;
      if (p.endsWith('/A_ProductionOrder_2')) return [200, { d: { results: [header('2000001', '1010', 'KG', 'KGM', '20261130080000'), header('1000124', '1010', 'ST', 'PCE', '20261130080001')] } }];
      if (p.endsWith('/A_ProductionOrderOperation_2')) return [200, { d: { results: [{ ManufacturingOrderOperation: '0010', WorkCenter: 'WC1' }] } }];
      if (p.endsWith('/A_ProductionOrderComponent_4')) return [200, { d: { results: [] } }];
      return undefined;
    });
    try {
      const problems: [string, string][] = [];
      const poller = new SapReleasePoller(pollerDeps(basic(s.base, { units: { PC: { iso: 'PCE', commercial: 'ST' } } }), { 1010: 'plant1' }), { since: '2026-11-30T00:00:00Z', everyMs: 1000 }, silent, {
        refused: async () => {},
        problem: async (site, order, reason) => void problems.push([site, `${order}: ${reason}`]),
      });
      const r = await poller.pollOnce();
      expect(r.map((x) => [x.erpOrderId, x.outcome])).toEqual([['2000001', 'refused'], ['1000124', 'unplaced']]);
      expect(problems[0]).toEqual(['plant1', expect.stringMatching(/^2000001: .*ProductionUnit: unit KG \(ISO KGM\) is not in the plant file's erpUnits/)]);
      expect(poller.since).toBe('2026-11-30T08:00:01Z');
      // Read again in the overlap window: told once per change.
      await poller.pollOnce();
      expect(problems).toHaveLength(2);
    } finally {
      await s.close();
    }
  });

  it('material numbers SAP allows (MATNR CHAR 40 with . / and spaces) are material codes', () => {
    for (const m of ['PUMP-100/20', 'BOLT M6.8', 'A', '1.000.234', 'X'.repeat(40)]) expect(MaterialCode.safeParse(m).success).toBe(true);
    for (const m of ['', ' LEAD', 'TRAIL ', 'lower', 'X'.repeat(41), 'A\nB']) expect(MaterialCode.safeParse(m).success).toBe(false);
  });
});

describe('more orders changed in one second than a page (finding 5)', () => {
  let sap: ReturnType<typeof buildSapDouble>;
  let base = '';
  beforeAll(async () => {
    sap = buildSapDouble(SAP_CREDS);
    base = await sap.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await sap.close();
  });

  it('reviewer values: three orders released in one second and a later one, limit 2: all four read, the cursor at the last', async () => {
    for (const [o, stamp] of [['1000001', '20261130080000'], ['1000002', '20261130080000'], ['1000003', '20261130080000'], ['1000004', '20261130090000']] as const)
      addSapOrder(sap.store, o, 10, `000080${o.slice(-4)}`, stamp);
    const a = new S4HanaErpAdapter({ baseUrl: base, client: SAP_CREDS.client, auth: { kind: 'basic', user: SAP_CREDS.user, password: SAP_CREDS.password } });
    const poller = new SapReleasePoller(pollerDeps(a, { 1010: 'plant1' }), { since: '2026-11-30T00:00:00Z', everyMs: 1000, limit: 2 }, silent, { refused: async () => {}, problem: async () => {} });
    expect((await poller.pollOnce()).map((r) => r.erpOrderId)).toEqual(['1000001', '1000002', '1000003', '1000004']);
    expect(poller.since).toBe('2026-11-30T09:00:00Z');
  });

  it('a change committed late, stamped before the cursor, is read on the next poll (overlap window)', async () => {
    const a = new S4HanaErpAdapter({ baseUrl: base, client: SAP_CREDS.client, auth: { kind: 'basic', user: SAP_CREDS.user, password: SAP_CREDS.password } });
    const poller = new SapReleasePoller(pollerDeps(a, { 1010: 'plant1' }), { since: '2026-11-30T09:00:00Z', everyMs: 1000, limit: 2, overlapSeconds: 60 }, silent, { refused: async () => {}, problem: async () => {} });
    expect((await poller.pollOnce()).map((r) => r.erpOrderId)).toEqual(['1000004']);
    // SAP's update task commits a change stamped 30 s before the one the poll already read.
    addSapOrder(sap.store, '1000005', 10, '0000801005', '20261130085930');
    expect((await poller.pollOnce()).map((r) => r.erpOrderId)).toEqual(['1000005']);
    expect(poller.since).toBe('2026-11-30T09:00:00Z');
  });
});

describe('EntryUnitISOCode only where the service has it (finding 8)', () => {
  it('by default material documents neither $select nor send EntryUnitISOCode (SAP Cloud SDK 2.1.0 metadata has none); with the setting they do', async () => {
    const s = await standIn((url, method) => {
      if (url.pathname.endsWith('/A_MaterialDocumentItem')) return [200, { d: { results: [docItem('4900000001', 'RM-1', '5.000')] } }];
      if (url.pathname.endsWith('/ProdnOrdConf2')) return [200, { d: { results: [] } }];
      if (url.pathname.endsWith('/A_MaterialDocumentHeader') && method === 'POST') return [201, { d: { MaterialDocumentYear: '2026', MaterialDocument: '4900000009' } }];
      return undefined;
    });
    const movement = { postingKey: 'iso#1', erpOrderId: '1000123', movementType: '261' as const, plant: '1010', storageLocation: '0001', items: [{ material: 'RM-1', quantity: '5', unit: 'PC' }] };
    const units = { PC: { iso: 'PCE', commercial: 'ST' } };
    try {
      const old = basic(s.base, { units });
      expect((await old.listOrderPostings('1000123'))[0]?.items[0]).toMatchObject({ material: 'RM-1', unit: 'PC' });
      await old.postGoodsMovement(movement);
      const selects = s.log.filter((l) => l.url.pathname.endsWith('/A_MaterialDocumentItem')).map((l) => l.url.searchParams.get('$select') ?? '');
      expect(selects[0]).not.toContain('EntryUnitISOCode');
      const posted = JSON.parse(s.log.find((l) => l.method === 'POST')!.body) as { to_MaterialDocumentItem: Record<string, unknown>[] };
      expect(posted.to_MaterialDocumentItem[0]).toMatchObject({ EntryUnit: 'ST' });
      expect(posted.to_MaterialDocumentItem[0]).not.toHaveProperty('EntryUnitISOCode');

      s.log.length = 0;
      const newer = basic(s.base, { units, materialDocumentIsoUnits: true });
      await newer.listOrderPostings('1000123');
      await newer.postGoodsMovement(movement);
      expect(s.log.find((l) => l.url.pathname.endsWith('/A_MaterialDocumentItem'))!.url.searchParams.get('$select')).toContain('EntryUnitISOCode');
      expect((JSON.parse(s.log.find((l) => l.method === 'POST')!.body) as { to_MaterialDocumentItem: object[] }).to_MaterialDocumentItem[0]).toMatchObject({ EntryUnitISOCode: 'PCE' });
    } finally {
      await s.close();
    }
  });
});

describe('planned dates in the plant\'s time zone (finding 10)', () => {
  it('SAP\'s planned start 08:00 on 1 January is 08:00 on the plant\'s clock', () => {
    expect(isoFromSap('/Date(1767225600000)/', 'PT08H00M00S')).toBe('2026-01-01T08:00:00.000Z');
    expect(isoFromSap('/Date(1767225600000)/', 'PT08H00M00S', 'Europe/Berlin')).toBe('2026-01-01T07:00:00.000Z');
    expect(isoFromSap('/Date(1767225600000)/', 'PT08H00M00S', 'Asia/Tokyo')).toBe('2025-12-31T23:00:00.000Z');
    // 1 July 2026, 08:00 in Chicago (CDT, UTC-5).
    expect(isoFromSap('/Date(1782864000000)/', 'PT08H00M00S', 'America/Chicago')).toBe('2026-07-01T13:00:00.000Z');
  });
});
