import { jetstreamManager } from '@nats-io/jetstream';
import type { FastifyInstance } from 'fastify';
import { and, eq } from 'drizzle-orm';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlannerApi } from '../../api/app.js';
import { issueToken, type Role } from '../../api/auth.js';
import { shiftWorkflowId } from '../../contracts/ids.js';
import type { CounterHoldView } from '../../contracts/messages/counter-hold.js';
import { PostingList } from '../../contracts/messages/erp-rest.js';
import type { CounterHoldEvent } from '../../contracts/messages/machine-event.js';
import { PlantModel } from '../../contracts/messages/plant-model.js';
import { OPS_EXCEPTIONS_STREAM } from '../../contracts/streams.js';
import { auditLog, machineCounts } from '../../schema/index.js';
import { loadPlantModel } from '../../seed/plant-file.js';
import { defaultShiftCalendar } from '../../shifts/calendar-of.js';
import { shiftOf } from '../../shifts/shift-of.js';
import { projectRoot } from '../../stack/paths.js';
import { completeOrderSignal, shiftStatusQuery, statusQuery } from '../../workflows/definitions.js';
import { seedPlantForBridge } from '../helpers/line-gateway.js';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { goodCounts, holdEvent, publishEvents } from '../helpers/machine-events.js';
import { releaseOrder } from '../helpers/release.js';
import { resultOf } from '../helpers/workflow-result.js';

// Counter holds (issue 11 item 4) and counting points (item 7), from NATS through the bridge and the planner API to
// the ERP simulator's ledger, on real servers.

let engine: TestEngine;
let api: FastifyInstance;
const tokens = {} as Record<Role, string>;

beforeAll(async () => {
  engine = await startTestEngine();
  api = await buildPlannerApi({ db: engine.services.db, client: engine.services.client });
  for (const role of ['planner', 'quality', 'operator', 'viewer'] as Role[]) tokens[role] = await issueToken(engine.services.db, `holds-${role}`, role);
});
afterAll(async () => {
  await api?.close();
  await engine?.stop();
});

// Shifts close an hour after they end, so the test's production happens now (in whatever shift that is).
const T0 = Date.now() - 120_000;
const auth = (role: Role) => ({ authorization: `Bearer ${tokens[role]}` });
const holdUrl = (eventId: string, verb = '') => `/production/holds/${encodeURIComponent(eventId)}${verb && `/${verb}`}`;


async function ledgerFor(erpOrderId: string) {
  const res = await fetch(`${engine.services.erpSimUrl}/api/postings?erpOrderId=${erpOrderId}`);
  return PostingList.parse(await res.json()).postings;
}

async function machineCount(machine: string) {
  const rows = await engine.services.db.select().from(machineCounts).where(and(eq(machineCounts.siteCode, 'plant1'), eq(machineCounts.machineCode, machine)));
  return rows.reduce((a, r) => ({ good: a.good + r.good, scrap: a.scrap + r.scrap }), { good: 0, scrap: 0 });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The good tally of the shifts these instants fall in (the test's two minutes may straddle a shift change). */
async function shiftGood(line: string, instants: number[]): Promise<number> {
  const ids = new Set(instants.map((t) => {
    const slot = shiftOf(new Date(t).toISOString(), defaultShiftCalendar('Europe/Berlin'))!;
    return shiftWorkflowId('plant1', line, slot.date, slot.shiftCode);
  }));
  const tallies = await Promise.all([...ids].map((id) => engine.services.client.workflow.getHandle(id).query(shiftStatusQuery).then((x) => x.good, () => 0)));
  return tallies.reduce((a, b) => a + b, 0);
}

describe('counter holds: held, shown with their readings, counted once when a person accepts them', () => {
  it('counts an accepted hold exactly once toward the order in context, a rejected one never, and the ERP confirms the true quantity', async () => {
    const h = await releaseOrder(engine, '7100001', 'line-2', '100');
    const accepted = holdEvent('robot-1', 'line-2', T0 + 30_000, 30);
    const phantom = holdEvent('robot-1', 'line-2', T0 + 40_000, 45_003, 'unexplained_drop');
    await publishEvents(engine.services.nc, goodCounts({ line: 'line-2', machine: 'robot-1', n: 10, startMs: T0, delta: 2, prefix: 'h-a' }));
    await publishEvents(engine.services.nc, [accepted]);
    await publishEvents(engine.services.nc, [phantom]);
    await publishEvents(engine.services.nc, [accepted]); // a republish: the same hold

    const listed = await eventually(async () => {
      const r = await api.inject().get('/production/holds?site=plant1&line=line-2').headers(auth('operator'));
      const holds = r.json<{ holds: CounterHoldView[] }>().holds;
      return holds.length === 2 ? holds : undefined;
    }, 'both holds listed');
    expect(listed.map((x) => [x.eventId, x.delta, x.status])).toEqual([[phantom.eventId, 45_003, 'held'], [accepted.eventId, 30, 'held']]);
    expect(listed[1]).toMatchObject({
      machine: 'robot-1', counter: 'good', reason: 'implausible_rate', limit: 3, elapsedMs: 2_000, raw: 45_030, countingPoint: true,
      order: { workflowId: h.workflowId, erpOrderId: '7100001' },
      readings: [{ raw: 45_000 }, { raw: 0 }, { raw: 45_030 }],
    });
    const exceptions = await jetstreamManager(engine.services.nc);
    const ex = await exceptions.streams.getMessage(OPS_EXCEPTIONS_STREAM, { last_by_subj: 'ops.plant1.exception.counter-hold' });
    expect(ex?.json<{ hold: { eventId: string; readings: unknown[] } }>().hold).toMatchObject({ eventId: phantom.eventId, readings: phantom.kind === 'hold' ? phantom.readings : [] });

    // Held means not counted: the order has the 20 counted pieces only, after the bridge took everything.
    await eventually(async () => ((await h.query(statusQuery)).good === 20 ? true : undefined), 'counted pieces applied');
    await sleep(2_500);
    expect((await h.query(statusQuery)).good).toBe(20);

    // Who may decide, and what a body must say.
    expect((await api.inject().post(holdUrl(accepted.eventId, 'accept')).headers(auth('operator')).body({})).statusCode).toBe(403);
    const noReason = await api.inject().post(holdUrl(phantom.eventId, 'reject')).headers(auth('quality')).body({ reason: '  ' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json()).toMatchObject({ errors: [{ field: 'body.reason', message: 'required: why the readings are not production' }] });
    expect((await api.inject().post(holdUrl('nope', 'accept')).headers(auth('quality')).body({})).statusCode).toBe(404);
    const badQuery = await api.inject().get('/production/holds?site=plant1&status=open').headers(auth('viewer'));
    expect(badQuery.statusCode).toBe(400);
    expect(badQuery.json().errors[0].field).toBe('querystring.status');

    const acc = await api.inject().post(holdUrl(accepted.eventId, 'accept')).headers(auth('quality')).body({ note: 'subscription gap, pieces seen on the pallet' });
    expect(acc.statusCode).toBe(200);
    expect(acc.json()).toMatchObject({ status: 'accepted', decidedBy: 'holds-quality', countedTo: h.workflowId, decisionReason: 'subscription gap, pieces seen on the pallet' });
    // Accepting again (a double click, a retry after a lost reply) is refused, naming the status, and counts nothing.
    const again = await api.inject().post(holdUrl(accepted.eventId, 'accept')).headers(auth('planner')).body({});
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toMatch(/is already accepted \(by holds-quality at /);
    await eventually(async () => ((await h.query(statusQuery)).good === 50 ? true : undefined), 'accepted delta applied');

    const rej = await api.inject().post(holdUrl(phantom.eventId, 'reject')).headers(auth('planner')).body({ reason: 'PLC answered 0 once: not production' });
    expect(rej.json()).toMatchObject({ status: 'rejected', decidedBy: 'holds-planner', decisionReason: 'PLC answered 0 once: not production', countedTo: null });
    expect((await api.inject().post(holdUrl(phantom.eventId, 'accept')).headers(auth('quality')).body({})).json()).toMatchObject({ status: 409, detail: expect.stringContaining('is already rejected') });
    const shown = await api.inject().get(holdUrl(phantom.eventId)).headers(auth('viewer'));
    expect(shown.json()).toMatchObject({ status: 'rejected', readings: [{ raw: 45_000 }, { raw: 0 }, { raw: 90_003 }] });
    expect((await api.inject().get('/production/holds?site=plant1&status=held').headers(auth('viewer'))).json()).toEqual({ holds: [] });
    const audits = await engine.services.db.select().from(auditLog).where(eq(auditLog.target, accepted.eventId));
    expect(audits.map((a) => [a.action, a.actor])).toEqual([['counter-hold-accept', 'holds-quality'], ['counter-hold-accept', 'holds-planner']]);

    await sleep(2_500);
    expect((await h.query(statusQuery)).good).toBe(50);
    // The rest of the order: 50 more pieces reach the planned 100 and the order confirms itself.
    await publishEvents(engine.services.nc, goodCounts({ line: 'line-2', machine: 'robot-1', n: 25, startMs: T0 + 60_000, delta: 2, prefix: 'h-b' }));
    expect(await resultOf(h)).toMatchObject({ phase: 'confirmed', good: 100 });
    const confirmations = (await ledgerFor('7100001')).filter((p) => p.kind === 'confirmation');
    expect(confirmations).toHaveLength(1);
    expect(confirmations[0]).toMatchObject({ yieldQty: '100', isFinal: true });
    // The machine's own counts and its line's shift tally: counted and accepted pieces, never the rejected ones.
    expect(await machineCount('robot-1')).toEqual({ good: 100, scrap: 0 });
    await eventually(async () => ((await shiftGood('line-2', [T0, T0 + 90_000])) === 100 ? true : undefined), 'the shift\'s tally of 100');
  });
});

describe('counter holds accepted after their order closed', () => {
  it('pass the delta on to unassigned production, leaving the confirmed quantity in the ERP as it was', async () => {
    const h = await releaseOrder(engine, '7100003', 'line-2', '10');
    const late = holdEvent('robot-1', 'line-2', T0 + 50_000, 5);
    await publishEvents(engine.services.nc, [late]);
    await eventually(async () => ((await api.inject().get(holdUrl(late.eventId)).headers(auth('viewer'))).statusCode === 200 ? true : undefined), 'hold recorded');
    await publishEvents(engine.services.nc, goodCounts({ line: 'line-2', machine: 'robot-1', n: 5, startMs: T0 + 70_000, delta: 2, prefix: 'h-c' }));
    expect(await resultOf(h)).toMatchObject({ phase: 'confirmed', good: 10 });

    // Two people accept at once: the row lock lets one write, the other gets 409.
    const both = await Promise.all([
      api.inject().post(holdUrl(late.eventId, 'accept')).headers(auth('planner')).body({}),
      api.inject().post(holdUrl(late.eventId, 'accept')).headers(auth('quality')).body({}),
    ]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const acc = both.find((r) => r.statusCode === 200)!;
    expect(acc.json()).toMatchObject({ status: 'accepted', countedTo: h.workflowId, order: { erpOrderId: '7100003' } });
    const row = await eventually(async () => {
      const rows = await engine.services.db.query.unassignedProduction.findMany({ where: (u, { eq: e }) => e(u.reason, 'order-closed') });
      return rows.length > 0 ? rows : undefined;
    }, 'the accepted delta as unassigned production');
    await sleep(2_500);
    expect(await engine.services.db.query.unassignedProduction.findMany({ where: (u, { eq: e }) => e(u.reason, 'order-closed') })).toEqual(row);
    expect(row).toMatchObject([{ machineCode: 'robot-1', lineCode: 'line-2', status: 'open', good: 5 }]);
    const confirmations = (await ledgerFor('7100003')).filter((p) => p.kind === 'confirmation');
    expect(confirmations.map((c) => c.yieldQty)).toEqual(['10']);
  });
});

describe('counter holds past int4, a corrected quantity, and an event on the wrong line', () => {
  it('records and lists a 0xFFFFFFFF glitch after 25 idle days with the rest of its round applied; counts the 3 pieces a person puts; parks the misrouted event', async () => {
    const h = await releaseOrder(engine, '7100004', 'line-2', '1000');
    const at = T0 + 100_000;
    // A UInt32 counter read 45000, then 0xFFFFFFFF once, then 45003, after the machine stood 25 days: int4 holds neither.
    const glitch: CounterHoldEvent = {
      ...holdEvent('robot-1', 'line-2', at, 4_294_922_295),
      limit: 0, elapsedMs: 2_160_000_000, raw: 45_003,
      explanations: [{ kind: 'increase', pieces: 4_294_922_295 }, { kind: 'glitch', pieces: 3 }],
      readings: [
        { raw: 45_000, sourceTime: new Date(at - 2_160_000_000).toISOString() },
        { raw: 4_294_967_295, sourceTime: new Date(at - 1_000).toISOString() },
        { raw: 45_003, sourceTime: new Date(at).toISOString() },
      ],
    };
    // press-1 is a machine of line-1: an event that says line-2 must not reach line-2's order.
    const misrouted = goodCounts({ line: 'line-2', machine: 'press-1', n: 1, startMs: at, delta: 7, prefix: 'g-wrong' });
    // The same round: the bridge's window is 25 ms and these go out together.
    await Promise.all([
      publishEvents(engine.services.nc, [glitch]),
      publishEvents(engine.services.nc, goodCounts({ line: 'line-2', machine: 'robot-1', n: 5, startMs: at - 10_000, delta: 1, prefix: 'g-a' })),
      publishEvents(engine.services.nc, misrouted),
    ]);

    const listed = await eventually(async () => {
      const r = await api.inject().get('/production/holds?site=plant1&line=line-2').headers(auth('viewer'));
      return r.json<{ holds: CounterHoldView[] }>().holds.find((x) => x.eventId === glitch.eventId);
    }, 'the glitch listed');
    expect(listed).toMatchObject({ delta: 4_294_922_295, elapsedMs: 2_160_000_000, limit: 0, raw: 45_003, status: 'held', order: { erpOrderId: '7100004' } });
    expect(listed!.readings.map((r) => r.raw)).toEqual([45_000, 4_294_967_295, 45_003]);
    expect(listed!.explanations).toEqual([{ kind: 'increase', pieces: 4_294_922_295 }, { kind: 'glitch', pieces: 3 }]);
    await eventually(async () => ((await h.query(statusQuery)).good === 5 ? true : undefined), 'the round\'s counted pieces applied');

    const js = await jetstreamManager(engine.services.nc);
    const parked = await eventually(async () => {
      const m = await js.streams.getMessage(OPS_EXCEPTIONS_STREAM, { last_by_subj: 'ops.plant1.exception.signal-bridge' }).catch(() => null);
      const body = m?.json<{ subject: string; reason: string }>();
      return body?.subject === 'mes.plant1.line-2.press-1.counter' ? body : undefined;
    }, 'the misrouted message parked');
    expect(parked.reason).toContain('machine press-1 of site plant1 belongs to line line-1 in the plant model, not to line line-2 the event names');

    // The corrected quantity is bounded by the delta and must be a whole number of pieces.
    const tooMany = await api.inject().post(holdUrl(glitch.eventId, 'accept')).headers(auth('quality')).body({ quantity: 4_294_922_296 });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().detail).toBe('body.quantity: at most the hold\'s delta or its largest explanation, 4294922295 pieces (got 4294922296)');
    for (const quantity of [-1, 2.5, '3']) {
      const bad = await api.inject().post(holdUrl(glitch.eventId, 'accept')).headers(auth('quality')).body({ quantity });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().errors[0].field).toBe('body.quantity');
    }
    const acc = await api.inject().post(holdUrl(glitch.eventId, 'accept')).headers(auth('quality')).body({ quantity: 3, note: 'PLC read 0xFFFFFFFF once; 3 pieces on the pallet' });
    expect(acc.statusCode).toBe(200);
    expect(acc.json()).toMatchObject({
      status: 'accepted', acceptedQuantity: 3, delta: 4_294_922_295, decidedBy: 'holds-quality', countedTo: h.workflowId,
      decisionReason: 'PLC read 0xFFFFFFFF once; 3 pieces on the pallet',
    });
    const again = await api.inject().post(holdUrl(glitch.eventId, 'accept')).headers(auth('planner')).body({ quantity: 3 });
    expect(again.statusCode).toBe(409);
    const audits = await engine.services.db.select().from(auditLog).where(eq(auditLog.target, glitch.eventId));
    expect(audits.map((a) => [a.action, a.actor, a.details])).toContainEqual(['counter-hold-accept', 'holds-quality', { quantity: 3, note: 'PLC read 0xFFFFFFFF once; 3 pieces on the pallet' }]);

    // Counted once: 5 + 3, never the delta, never the misrouted 7.
    await eventually(async () => ((await h.query(statusQuery)).good === 8 ? true : undefined), 'the corrected quantity applied');
    await sleep(2_500);
    expect((await h.query(statusQuery)).good).toBe(8);
    await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'test' });
    expect(await resultOf(h)).toMatchObject({ phase: 'confirmed', good: 8 });
    const confirmations = (await ledgerFor('7100004')).filter((p) => p.kind === 'confirmation');
    expect(confirmations.map((c) => c.yieldQty)).toEqual(['8']);
  });
});

describe('counting points: machines in series count the pieces once', () => {
  it('gives the order and the ERP the counting point\'s pieces, and keeps the machine in series as machine data', async () => {
    // line-3: a cutter feeding a welder; both count every piece, the welder's output is the order's.
    const demo = await loadPlantModel(path.join(projectRoot, 'seed', 'demo-plant.yaml'));
    const site = demo.sites[0]!;
    const plant = PlantModel.parse({
      ...demo,
      demoOrders: [],
      sites: [{
        ...site,
        lines: [...site.lines, {
          code: 'line-3', name: 'Cut and weld line 3', costCenter: 'CC4200', erpPlant: '1010', storageLocation: '0002', countingPoints: ['weld-1'],
          machines: [{ code: 'cut-1', name: 'Cutter 1' }, { code: 'weld-1', name: 'Welder 1' }],
        }],
      }],
    });
    await (await seedPlantForBridge(engine, plant)).bridgeKnowsMachines();
    const h = await releaseOrder(engine, '7100002', 'line-3', '1000');
    await Promise.all([
      publishEvents(engine.services.nc, goodCounts({ line: 'line-3', machine: 'cut-1', n: 15, startMs: T0, delta: 2, prefix: 's-cut' })),
      publishEvents(engine.services.nc, goodCounts({ line: 'line-3', machine: 'weld-1', n: 15, startMs: T0 + 500, delta: 2, prefix: 's-weld' })),
    ]);
    await eventually(async () => {
      const [cut, weld] = await Promise.all([machineCount('cut-1'), machineCount('weld-1')]);
      return cut.good === 30 && weld.good === 30 ? true : undefined;
    }, 'both machines counted per machine');
    await eventually(async () => ((await h.query(statusQuery)).good === 30 ? true : undefined), 'the welder\'s pieces on the order');
    // Every round is committed (the per-machine counts say so); one relay sweep later nothing more has arrived.
    await sleep(2_500);
    expect((await h.query(statusQuery)).good).toBe(30);
    await eventually(async () => ((await shiftGood('line-3', [T0, T0 + 15_000])) === 30 ? true : undefined), 'the shift\'s line tally');

    await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'test' });
    expect(await resultOf(h)).toMatchObject({ phase: 'confirmed', good: 30 });
    const confirmations = (await ledgerFor('7100002')).filter((p) => p.kind === 'confirmation');
    expect(confirmations).toHaveLength(1);
    expect(confirmations[0]).toMatchObject({ yieldQty: '30', isFinal: true });
    const unassigned = await engine.services.db.query.unassignedProduction.findMany({ where: (u, { eq: e }) => e(u.lineCode, 'line-3') });
    expect(unassigned).toEqual([]);
  });
});
