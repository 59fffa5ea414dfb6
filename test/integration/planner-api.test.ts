import type { FastifyInstance } from 'fastify';
import { jetstream } from '@nats-io/jetstream';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlannerApi } from '../../api/app.js';
import { issueToken, type Role } from '../../api/auth.js';
import { signWebhook } from '../../api/routes/erp-webhook.js';
import { erpReleaseSubject } from '../../contracts/names.js';
import { auditLog } from '../../schema/index.js';
import { startCurrentShifts } from '../../bridge/shift-starter.js';
import { loadLineCalendar } from '../../db/line-calendar.js';
import { shiftOf } from '../../shifts/shift-of.js';
import { reconciliations } from '../../services/reconciliation/reconcile.js';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { goodCounts, publishEvents } from '../helpers/machine-events.js';
import { productionCountsSignal, statusQuery } from '../../workflows/definitions.js';
import { resultOf } from '../helpers/workflow-result.js';

let engine: TestEngine;
let api: FastifyInstance;
const tokens = {} as Record<Role, string>;
const SECRET = 'test-webhook-secret-not-for-production';

beforeAll(async () => {
  engine = await startTestEngine();
  const { db, client, erp } = engine.services;
  api = await buildPlannerApi({
    db, client, webhookSecret: SECRET,
    reconciliation: reconciliations({ client, db, erp }, 1_000),
  });
  for (const role of ['planner', 'quality', 'operator', 'viewer', 'integration'] as Role[]) tokens[role] = await issueToken(engine.services.db, `test-${role}`, role);
});
afterAll(async () => {
  await api?.close();
  await engine?.stop();
});

const auth = (role: Role) => ({ authorization: `Bearer ${tokens[role]}` });
const release = (erpOrderId: string, extra: Record<string, unknown> = {}) => ({
  v: 1, site: 'plant1', erpOrderId, material: 'BRACKET-A', quantity: '50', unit: 'PC', line: 'line-1', operation: '0010', releasedAt: new Date().toISOString(), ...extra,
});

describe('planner API', () => {
  it('serves its OpenAPI document and docs page', async () => {
    const doc = await api.inject().get('/openapi.json');
    expect(doc.statusCode).toBe(200);
    expect(Object.keys(doc.json().paths)).toEqual(expect.arrayContaining(['/orders', '/orders/{site}/{erpOrderId}', '/unassigned/assign', '/webhooks/erp/order-released']));
    expect((await api.inject().get('/docs/')).statusCode).toBe(200);
  });

  it('refuses calls without a valid token, and roles outside the route', async () => {
    expect((await api.inject().get('/orders')).json()).toMatchObject({ status: 401, detail: expect.stringMatching(/Bearer/) });
    expect((await api.inject().get('/orders').headers({ authorization: 'Bearer mes_forged' })).statusCode).toBe(401);
    const viewerRelease = await api.inject().post('/orders').headers(auth('viewer')).body(release('5000001'));
    expect(viewerRelease.statusCode).toBe(403);
    expect(viewerRelease.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await api.inject().post('/orders/plant1/5000001/complete').headers(auth('viewer')).body({})).statusCode).toBe(403);
    expect((await api.inject().post('/orders/plant1/5000001/complete').headers(auth('quality')).body({})).statusCode).toBe(403);
    expect((await api.inject().post('/unassigned/assign').headers(auth('operator')).body({ site: 'plant1', erpOrderId: '1', eventIds: ['x'] })).statusCode).toBe(403);
  });

  it('names every bad field in a problem+json', async () => {
    const r = await api.inject().post('/orders').headers(auth('planner')).body(release('5000002', { quantity: 'many', line: 'Line 1' }));
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    const fields = (r.json().errors as Array<{ field: string }>).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.quantity', 'body.line']));
    const q = await api.inject().get('/orders?status=done').headers(auth('viewer'));
    expect(q.json().errors[0].field).toBe('querystring.status');
    const p = await api.inject().get('/orders/plant1/not-an-order').headers(auth('viewer'));
    expect(p.json().errors[0].field).toBe('params.erpOrderId');
    const a = await api.inject().post('/unassigned/assign').headers(auth('planner')).body({ site: 'plant1', erpOrderId: '1', eventIds: [] });
    expect(a.json().errors[0].field).toBe('body.eventIds');
  });

  it.each([
    ['POST', '/orders/plant1/x!/complete', {}, 'params.erpOrderId'],
    ['POST', '/orders/plant1/5000001/complete', { reason: 'boss' }, 'body.reason'],
    ['POST', '/orders/Plant1/5000001/retry-posting', {}, 'params.site'],
    ['POST', '/orders/plant1/5000001/resume', {}, 'body.reason'],
    ['POST', '/orders/plant1/5000001/cancel', { reason: 7 }, 'body.reason'],
    ['GET', '/orders/plant1/lower-case/reconciliation', undefined, 'params.erpOrderId'],
    ['GET', '/lines/plant1/Line_2', undefined, 'params.line'],
    ['GET', '/unassigned', undefined, 'querystring.site'],
    ['POST', '/unassigned/assign', { site: 'plant1', erpOrderId: '1' }, 'body.eventIds'],
  ] as const)('%s %s with bad input names the field', async (method, url, body, field) => {
    const r = await api.inject({ method, url, headers: auth('planner'), ...(body === undefined ? {} : { payload: body }) });
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((r.json().errors as Array<{ field: string }>).map((e) => e.field)).toContain(field);
  });

  it('keeps a viewer from every state change', async () => {
    for (const [url, body] of [
      ['/orders/plant1/5000001/cancel', { reason: 'nope' }],
      ['/orders/plant1/5000001/hold', { reason: 'nope' }],
      ['/orders/plant1/5000001/retry-posting', {}],
      ['/unassigned/assign', { site: 'plant1', erpOrderId: '1', eventIds: ['x'] }],
    ] as const) expect((await api.inject().post(url).headers(auth('viewer')).body(body)).statusCode).toBe(403);
  });

  it('releases, lists, shows, completes an order, and audits who did it', async () => {
    const first = await api.inject().post('/orders').headers(auth('planner')).body(release('5000003'));
    expect(first.statusCode).toBe(201);
    const again = await api.inject().post('/orders').headers(auth('integration')).body(release('5000003'));
    expect(again.json()).toEqual({ workflowId: 'work-order:plant1:5000003', started: false, updated: false });
    await eventually(async () => {
      const list = await api.inject().get('/orders?site=plant1&line=line-1').headers(auth('viewer'));
      return list.json().orders.some((o: { erpOrderId: string }) => o.erpOrderId === '5000003') ? true : undefined;
    }, 'order in the list');
    await publishEvents(engine.services.nc, goodCounts({ line: 'line-1', machine: 'press-1', n: 7, startMs: Date.now() - 30_000, prefix: 'api' }));
    await eventually(async () => {
      const d = await api.inject().get('/orders/plant1/5000003').headers(auth('operator'));
      return d.json().status?.good === 7 ? true : undefined;
    }, 'counts visible');
    const line = await api.inject().get('/lines/plant1/line-1').headers(auth('viewer'));
    expect(line.json()).toMatchObject({ activeOrder: { erpOrderId: '5000003' }, shift: { summary: { good: 7 } } });
    const held = await api.inject().post('/orders/plant1/5000003/hold').headers(auth('planner')).body({ reason: 'die change' });
    expect(held.json()).toMatchObject({ held: true, good: 7 });
    expect((await api.inject().post('/orders/plant1/5000003/hold').headers(auth('planner')).body({ reason: 'again' })).json()).toMatchObject({ status: 409, detail: expect.stringMatching(/already held/) });
    expect((await api.inject().post('/orders/plant1/5000003/hold').headers(auth('planner')).body({ reason: '' })).json().errors[0].field).toBe('body.reason');
    expect((await api.inject().post('/orders/plant1/5000003/cancel').headers(auth('operator')).body({ reason: 'nope' })).statusCode).toBe(403);
    expect((await api.inject().post('/orders/plant1/5000003/resume').headers(auth('planner')).body({ reason: 'die ready' })).json()).toMatchObject({ held: false });
    const done = await api.inject().post('/orders/plant1/5000003/complete').headers(auth('operator')).body({ reason: 'operator' });
    expect(done.statusCode).toBe(202);
    const final: { postings: Array<{ kind: string; status: string }> } = await eventually(async () => {
      const d = await api.inject().get('/orders/plant1/5000003').headers(auth('viewer'));
      return d.json().status.phase === 'confirmed' ? d.json() : undefined;
    }, 'order confirmed');
    expect(final.postings.some((p) => p.kind === 'confirmation' && p.status === 'posted')).toBe(true);
    expect((await api.inject().get('/orders/plant1/5999999').headers(auth('viewer'))).statusCode).toBe(404);
    const rec = await api.inject().get('/orders/plant1/5000003/reconciliation').headers(auth('viewer'));
    expect(rec.json()).toMatchObject({ erpOrderId: '5000003', phase: 'confirmed', differences: [] });
    expect(rec.json().documents).toBeGreaterThan(0);
    expect((await api.inject().get('/orders/plant1/5000003/reconciliation').headers(auth('operator'))).statusCode).toBe(403);
    const fix = await api.inject().post('/orders/plant1/5000003/reconciliation/fix').headers(auth('planner'));
    expect(fix.json()).toMatchObject({ applied: [], after: { differences: [] } });
    expect((await api.inject().post('/orders/plant1/5000003/reconciliation/fix').headers(auth('viewer'))).statusCode).toBe(403);
    const lineBooks = await api.inject().get('/reconciliation?site=plant1&line=line-1').headers(auth('viewer'));
    expect(lineBooks.json()).toMatchObject({ scope: { site: 'plant1', line: 'line-1' }, withDifferences: [], failed: [] });
    expect(lineBooks.json().agreeing).toContain('5000003');
    expect((await api.inject().get('/reconciliation?site=plant1&from=yesterday').headers(auth('viewer'))).json().detail).toMatch(/querystring\.from/);
    const audits = await engine.services.db.select().from(auditLog).where(eq(auditLog.target, 'work-order:plant1:5000003'));
    expect(audits.map((a) => [a.actor, a.action])).toEqual([
      ['test-planner', 'hold'], ['test-planner', 'hold'], ['test-planner', 'resume'], ['test-operator', 'complete'], ['test-planner', 'reconciliation-fix'],
    ]);
    expect((await api.inject().post('/orders/plant1/5000003/cancel').headers(auth('planner')).body({ reason: 'too late' })).statusCode).toBe(409);
  });

  it('shows an order waiting for the ERP while it is down, then confirming when it is back', async () => {
    await api.inject().post('/orders').headers(auth('planner')).body(release('5000006'));
    await eventually(async () => ((await api.inject().get('/orders/plant1/5000006').headers(auth('viewer'))).statusCode === 200 ? true : undefined), 'order');
    engine.services.erpSim.app.faults.set({ outage: true });
    try {
      await api.inject().post('/orders/plant1/5000006/complete').headers(auth('planner')).body({});
      const waiting = await eventually(async () => {
        const w = (await api.inject().get('/orders/plant1/5000006/waiting').headers(auth('viewer'))).json();
        return w.activities?.some((a: { attempt: number }) => a.attempt >= 2) ? w : undefined;
      }, 'a retried ERP call');
      expect(waiting.activities[0]).toMatchObject({ activity: expect.stringMatching(/^post/), lastFailure: expect.stringMatching(/503|outage/) });
    } finally {
      engine.services.erpSim.app.faults.set({});
    }
    await eventually(async () => {
      const d = await api.inject().get('/orders/plant1/5000006').headers(auth('viewer'));
      return d.json().status.phase === 'confirmed' ? true : undefined;
    }, 'confirmed after the outage', 60_000);
    // The read model says confirmed as the workflow writes it, a moment before its run closes.
    const closed = await eventually(async () => {
      const w = (await api.inject().get('/orders/plant1/5000006/waiting').headers(auth('viewer'))).json();
      return w.status === 'RUNNING' ? undefined : w;
    }, 'the run closed', 10_000);
    expect(closed).toEqual({ status: 'COMPLETED', activities: [] });
  });

  it('holds units for quality: one notification in the ERP, nothing held confirmed, confirmed after the disposition', async () => {
    await api.inject().post('/orders').headers(auth('planner')).body(release('5000012'));
    const workflowId = 'work-order:plant1:5000012';
    const h = engine.services.client.workflow.getHandle(workflowId);
    await eventually(async () => ((await api.inject().get('/orders/plant1/5000012').headers(auth('viewer'))).statusCode === 200 ? true : undefined), 'order');
    await h.signal(productionCountsSignal, { v: 1, events: [{ eventId: 'q1', machine: 'm1', sourceTime: new Date().toISOString(), good: 20, scrap: 0 }] });
    const path = '/orders/plant1/5000012/quality-holds';
    expect((await api.inject().post(path).headers(auth('operator')).body({ quantity: 5, defectText: 'burr on edge' })).statusCode).toBe(403);
    expect((await api.inject().post(path).headers(auth('quality')).body({ quantity: 2.5, defectText: 'burr on edge' })).json().detail).toMatch(/quantity/);
    expect((await api.inject().post(path).headers(auth('quality')).body({ quantity: 21, defectText: 'burr on edge' })).statusCode).toBe(409);
    const held = await api.inject().post(path).headers(auth('quality')).body({ quantity: 5, defectText: 'burr on edge, 0.3 mm' });
    expect(held.statusCode).toBe(200);
    const holdId: number = held.json().qualityHolds[0].id;
    const notification = await eventually(async () => {
      const found = await engine.erp.findPostings(`${workflowId}#${holdId}`, 'quality-notification');
      return found.length > 0 ? found : undefined;
    }, 'the quality notification in the ERP');
    expect(notification).toHaveLength(1);
    const onHold = await eventually(async () => {
      const s = (await api.inject().get('/orders/plant1/5000012').headers(auth('viewer'))).json().status;
      return s.qualityHolds[0].notification ? s : undefined;
    }, 'the notification number on the order');
    expect(onHold).toMatchObject({ qualityHeld: 5, qualityHolds: [{ id: holdId, notification: notification[0]!.document, disposition: null }] });
    // The Web UI finds it: the QualityHold search attribute is set while units are held.
    await eventually(async () => {
      for await (const w of engine.services.client.workflow.list({ query: `QualityHold = true AND ErpOrderId = '5000012'` })) return w.workflowId;
      return undefined;
    }, 'the order under QualityHold = true in visibility');
    // Completing now would confirm held units: the order waits for the disposition instead.
    await api.inject().post('/orders/plant1/5000012/complete').headers(auth('planner')).body({});
    await new Promise((r) => setTimeout(r, 500));
    expect((await h.query(statusQuery)).phase).toBe('running');
    // A running order is not fixed from reconciliation: something may be in flight.
    expect((await api.inject().post('/orders/plant1/5000012/reconciliation/fix').headers(auth('planner'))).json()).toMatchObject({ status: 409, detail: expect.stringMatching(/order is running/) });
    const disposition = `${path}/${holdId}/disposition`;
    expect((await api.inject().post(disposition).headers(auth('planner')).body({ decision: 'release' })).statusCode).toBe(403);
    expect((await api.inject().post(disposition).headers(auth('quality')).body({ decision: 'release' })).json()).toMatchObject({ qualityHeld: 0 });
    expect((await api.inject().post(disposition).headers(auth('quality')).body({ decision: 'scrap' })).statusCode).toBe(409);
    expect(await resultOf(h)).toMatchObject({ phase: 'confirmed', good: 20, confirmedGood: 20 });
    expect(await engine.erp.findPostings(`${workflowId}#${holdId}`, 'quality-notification')).toHaveLength(1);
  });

  it('answers 202 while a fix waits for the ERP, and the fix applies once when the ERP takes postings again', async () => {
    // A stray goods issue booked in the ERP by hand against the confirmed order 5000003.
    await engine.erp.postGoodsMovement({ postingKey: 'by-hand-5000003', erpOrderId: '5000003', movementType: '261', plant: '1010', storageLocation: '0001', items: [{ material: 'SCREW-M6', quantity: '8', unit: 'PC' }] });
    engine.services.erpSim.app.faults.set({ errorRate: 1 });
    let workflowId: string;
    try {
      const pending = await api.inject().post('/orders/plant1/5000003/reconciliation/fix').headers(auth('planner'));
      expect(pending.statusCode).toBe(202);
      expect(pending.json()).toMatchObject({ applying: true, before: { differences: [{ what: 'consumption of SCREW-M6', action: { movementType: '262' } }] } });
      workflowId = pending.json().workflowId;
      // Asked again while it still waits: the same fix, not a second one.
      expect((await api.inject().post('/orders/plant1/5000003/reconciliation/fix').headers(auth('planner'))).json()).toMatchObject({ applying: true, workflowId });
    } finally {
      engine.services.erpSim.app.faults.set({});
    }
    await resultOf(engine.services.client.workflow.getHandle(workflowId));
    expect((await api.inject().get('/orders/plant1/5000003/reconciliation').headers(auth('viewer'))).json()).toMatchObject({ differences: [] });
    expect((await api.inject().post('/orders/plant1/5000003/reconciliation/fix').headers(auth('planner'))).json()).toMatchObject({ applied: [] });
    const reversals = (await engine.erp.listOrderPostings('5000003')).filter((p) => p.movementType === '262');
    expect(reversals).toHaveLength(1);
  });

  it('lists unassigned production and assigns it to an order', async () => {
    await publishEvents(engine.services.nc, goodCounts({ line: 'line-2', machine: 'robot-1', n: 4, startMs: Date.now() - 20_000, delta: 5, prefix: 'orphan' }));
    const open = await eventually(async () => {
      const r = await api.inject().get('/unassigned?site=plant1&line=line-2').headers(auth('viewer'));
      return r.json().unassigned.length === 4 ? r.json().unassigned : undefined;
    }, 'unassigned rows');
    await api.inject().post('/orders').headers(auth('planner')).body(release('5000004', { line: 'line-2' }));
    const r = await api.inject().post('/unassigned/assign').headers(auth('planner'))
      .body({ site: 'plant1', erpOrderId: '5000004', eventIds: open.map((u: { eventId: string }) => u.eventId) });
    expect(r.json()).toEqual({ assigned: 4, good: 20, scrap: 0 });
    await eventually(async () => {
      const d = await api.inject().get('/orders/plant1/5000004').headers(auth('viewer'));
      return d.json().status?.good === 20 ? true : undefined;
    }, 'assigned counts on the order');
  });

  it('takes a release three times over webhook and NATS as one workflow, and refuses forged and replayed webhooks', async () => {
    const body = JSON.stringify(release('5000005'));
    const ts = Math.floor(Date.now() / 1000);
    const post = (signature: string, timestamp = ts, payload = body) =>
      api.inject().post('/webhooks/erp/order-released').headers({ 'content-type': 'application/json', 'x-mes-timestamp': String(timestamp), 'x-mes-signature': signature }).body(payload);
    const ok = await post(signWebhook(SECRET, ts, body));
    expect(ok.statusCode).toBe(201);
    const replay = await post(signWebhook(SECRET, ts, body));
    expect(replay.statusCode).toBe(409);
    const ts2 = ts + 1;
    const second = await post(signWebhook(SECRET, ts2, body), ts2);
    expect(second.json()).toEqual({ workflowId: 'work-order:plant1:5000005', started: false, updated: false });
    await jetstream(engine.services.nc).publish(erpReleaseSubject('plant1'), body, { msgID: 'webhook-and-nats-5000005' });
    const forged = await post(signWebhook('not-the-secret', ts, body));
    expect(forged.json()).toMatchObject({ status: 401, detail: expect.stringMatching(/x-mes-signature/) });
    const stale = await post(signWebhook(SECRET, ts - 3600, body), ts - 3600);
    expect(stale.json()).toMatchObject({ status: 401, detail: expect.stringMatching(/x-mes-timestamp/) });
    const tampered = await post(signWebhook(SECRET, ts + 2, body), ts + 2, body.replace('"50"', '"5000"'));
    expect(tampered.statusCode).toBe(401);
    const runs = await eventually(async () => {
      const found = [];
      for await (const w of engine.services.client.workflow.list({ query: `ErpOrderId = '5000005'` })) found.push(w.runId);
      return found.length > 0 ? found : undefined;
    }, 'visibility');
    await new Promise((r) => setTimeout(r, 1_000)); // let the NATS copy be processed too
    expect(runs).toHaveLength(1);

    // ERP changes the quantity and dates: the running order follows, still one workflow.
    const changedBody = JSON.stringify(release('5000005', { quantity: '80', plannedEnd: '2026-12-01T14:00:00Z' }));
    const ts3 = ts + 3;
    const changed = await post(signWebhook(SECRET, ts3, changedBody), ts3, changedBody);
    expect(changed.json()).toEqual({ workflowId: 'work-order:plant1:5000005', started: false, updated: true });
    const detail = await api.inject().get('/orders/plant1/5000005').headers(auth('viewer'));
    expect(detail.json().status).toMatchObject({ plannedQuantity: '80', plannedEnd: '2026-12-01T14:00:00Z' });
    const otherLine = await api.inject().post('/orders').headers(auth('planner')).body(release('5000005', { line: 'line-2' }));
    expect(otherLine.json()).toMatchObject({ status: 409, detail: expect.stringMatching(/line/) });
  });
});

describe('planner API, tokens scoped to places', () => {
  it('shows and acts on a line-scoped token\'s line only, refusing and auditing the rest', async () => {
    const { db } = engine.services;
    const supervisor = { authorization: `Bearer ${await issueToken(db, 'supervisor-line-2', 'planner', [{ site: 'plant1', lines: ['line-2'] }])}` };
    const plantWide = { authorization: `Bearer ${await issueToken(db, 'supervisor-plant1', 'planner', [{ site: 'plant1' }])}` };
    expect((await api.inject().post('/orders').headers(auth('planner')).body(release('5000301', { line: 'line-1' }))).statusCode).toBe(201);
    expect((await api.inject().post('/orders').headers(supervisor).body(release('5000302', { line: 'line-2' }))).statusCode).toBe(201);
    await eventually(async () => {
      const all = (await api.inject().get('/orders?site=plant1').headers(plantWide)).json().orders as Array<{ erpOrderId: string }>;
      return ['5000301', '5000302'].every((id) => all.some((o) => o.erpOrderId === id)) ? true : undefined;
    }, 'both orders in the read model');

    const listed = (await api.inject().get('/orders').headers(supervisor)).json().orders as Array<{ line: string; erpOrderId: string }>;
    expect(listed.map((o) => o.erpOrderId)).toContain('5000302');
    expect(listed.every((o) => o.line === 'line-2')).toBe(true);
    expect(((await api.inject().get('/orders?site=plant1').headers(supervisor)).json().orders as Array<{ line: string }>).every((o) => o.line === 'line-2')).toBe(true);
    expect((await api.inject().get('/orders/plant1/5000302').headers(supervisor)).statusCode).toBe(200);
    expect((await api.inject().get('/lines/plant1/line-2').headers(supervisor)).statusCode).toBe(200);
    expect((await api.inject().get('/reconciliation?site=plant1&line=line-2').headers(supervisor)).statusCode).toBe(200);

    const refused = [
      await api.inject().get('/orders/plant1/5000301').headers(supervisor),
      await api.inject().post('/orders/plant1/5000301/hold').headers(supervisor).body({ reason: 'not mine' }),
      await api.inject().post('/orders').headers(supervisor).body(release('5000303', { line: 'line-1' })),
      await api.inject().get('/orders?site=plant1&line=line-1').headers(supervisor),
      await api.inject().get('/lines/plant1/line-1').headers(supervisor),
      await api.inject().get('/reconciliation?site=plant1').headers(supervisor),
      await api.inject().get('/orders?site=plant2').headers(plantWide),
      await api.inject().get('/orders/plant1/5999399').headers(supervisor),
    ];
    expect(refused.map((r) => r.statusCode)).toEqual([403, 403, 403, 403, 403, 403, 403, 403]);
    expect(refused[0]!.json()).toMatchObject({ detail: 'token supervisor-line-2 acts on plant1 (line-2) only, not on plant1/line-1' });
    expect(refused[5]!.json().detail).toMatch(/not on all of plant1$/);
    const rows = await db.select().from(auditLog).where(eq(auditLog.action, 'refused-out-of-scope'));
    expect(rows.filter((r) => r.actor === 'supervisor-line-2').map((r) => r.target)).toEqual(expect.arrayContaining([
      'GET /orders/plant1/5000301', 'POST /orders/plant1/5000301/hold', 'POST /orders', 'GET /lines/plant1/line-1', 'GET /reconciliation?site=plant1',
    ]));
    expect(rows.filter((r) => r.actor === 'supervisor-line-2')).toHaveLength(7);
    // The line-1 order was neither held nor touched.
    expect((await api.inject().get('/orders/plant1/5000301').headers(plantWide)).json().status).toMatchObject({ held: false, line: 'line-1' });
  });
});

describe('planner API, shift reports', () => {
  it('answers a running shift\'s live report, 404 for a shift that never ran, 400 naming a bad date', async () => {
    const { db, client } = engine.services;
    await startCurrentShifts(db, client, 1_000);
    const slot = shiftOf(new Date().toISOString(), (await loadLineCalendar(db, 'plant1', 'line-1')).calendar)!;
    const r = await api.inject().get(`/shifts/plant1/line-1/${slot.date}/${slot.shiftCode}`).headers(auth('viewer'));
    expect(r.json()).toMatchObject({ workflowId: `shift:plant1:line-1:${slot.date}:${slot.shiftCode}`, state: 'running', summary: { shift: { startsAt: slot.startsAt, endsAt: slot.endsAt } } });
    expect((await api.inject().get('/shifts/plant1/line-1/2020-01-01/A').headers(auth('viewer'))).json()).toMatchObject({ status: 404, detail: expect.stringMatching(/not found/) });
    expect((await api.inject().get('/shifts/plant1/line-1/2020-13-01/A').headers(auth('viewer'))).json()).toMatchObject({ status: 400, detail: expect.stringMatching(/date/) });
  });
});
