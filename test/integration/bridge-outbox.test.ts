import type { ChildProcess } from 'node:child_process';
import { eq, like, sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBridgeMetrics } from '../../bridge/metrics.js';
import { sumOrderDeltas } from '../../bridge/deltas.js';
import { deliverToOrder } from '../../bridge/deliver.js';
import { OutboxRelay } from '../../bridge/relay.js';
import { startCurrentShifts } from '../../bridge/shift-starter.js';
import { shiftWorkflowId } from '../../contracts/ids.js';
import type { ShiftSummary } from '../../contracts/messages/shift.js';
import { OUTBOX_SOURCE, type OrderDelta } from '../../contracts/messages/outbox-delta.js';
import type { WorkOrderResult } from '../../contracts/messages/work-order-status.js';
import { commitRound, sealNextRange } from '../../db/event-outbox.js';
import { loadLineCalendar } from '../../db/line-calendar.js';
import { lines, unassignedProduction, workOrders } from '../../schema/index.js';
import { defaultShiftCalendar } from '../../shifts/calendar-of.js';
import { shiftOf } from '../../shifts/shift-of.js';
import { completeOrderSignal, shiftStatusQuery, statusQuery } from '../../workflows/definitions.js';
import { spawnBridge } from '../helpers/engine-process.js';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { goodCounts, publishEvents } from '../helpers/machine-events.js';
import { releaseOrder } from '../helpers/release.js';
import { resultOf } from '../helpers/workflow-result.js';

// The outbox's exactly-once: a bridge killed between its commit and its signal, relays racing on one workflow, and
// an order gone before its deltas arrive.
let engine: TestEngine;
let bridge: ChildProcess | undefined;
beforeAll(async () => {
  engine = await startTestEngine({ bridge: false });
});
afterAll(async () => {
  bridge?.kill('SIGKILL');
  await engine?.stop();
});


const T0 = Date.now() - 120_000;
const count = async (q: ReturnType<typeof sql>) => Number((await engine.services.db.execute<{ n: string }>(q)).rows[0]!.n);

describe('signal bridge outbox', () => {
  it('counts every event once when the bridge dies between its database commit and its signal', async () => {
    const h = await releaseOrder(engine, '5000001', 'line-2', '1000000');
    const events = goodCounts({ line: 'line-2', machine: 'robot-1', n: 6_000, startMs: T0, stepMs: 1, prefix: 'commit-kill', delta: 3 });
    bridge = await spawnBridge(engine, { MES_BRIDGE_KILL_AFTER_COMMIT_ROUND: '3' });
    let killedBy: NodeJS.Signals | null | undefined;
    const exited = new Promise<void>((res) => bridge!.once('exit', (_code, signal) => res(void (killedBy = signal))));
    await publishEvents(engine.services.nc, events.slice(0, 1_000), 100, 4);
    await eventually(async () => ((await h.query(statusQuery)).eventsApplied > 0 ? true : undefined), 'first events applied');
    // Small steps, so the bridge sees several rounds rather than one backlog.
    let sent = 1_000;
    while (killedBy === undefined && sent < events.length) {
      await publishEvents(engine.services.nc, events.slice(sent, sent + 500), 100, 4);
      sent += 500;
      await new Promise((r) => setTimeout(r, 150));
    }
    await exited;
    expect(killedBy).toBe('SIGKILL');
    await publishEvents(engine.services.nc, events.slice(sent), 100, 4);
    // Round 3 is committed (its ids seen, its deltas in the outbox) and neither acked nor signalled.
    expect(await count(sql`select count(*) as n from outbox where workflow_id = ${h.workflowId}`)).toBeGreaterThan(0);

    bridge = await spawnBridge(engine);
    const final = await eventually(async () => {
      const s = await h.query(statusQuery);
      return s.eventsApplied >= events.length ? s : undefined;
    }, 'every event applied', 120_000);
    expect(final).toMatchObject({ eventsApplied: 6_000, good: 18_000 });
    await eventually(async () => ((await count(sql`select count(*) as n from outbox`)) === 0 ? true : undefined), 'the outbox to drain');
    expect((await h.query(statusQuery)).good).toBe(18_000);
    const slot = shiftOf(new Date(T0).toISOString(), defaultShiftCalendar('Europe/Berlin'))!;
    const shift = engine.services.client.workflow.getHandle(shiftWorkflowId('plant1', 'line-2', slot.date, slot.shiftCode));
    expect(await shift.query(shiftStatusQuery)).toMatchObject({ good: 18_000, eventsApplied: 6_000 });
    bridge.kill('SIGKILL');
  });

  it('applies a range once when two relays race on the same workflow', async () => {
    const h = await releaseOrder(engine, '5000002', 'line-1', '1000000');
    const target = { kind: 'work-order' as const, site: 'plant1', line: 'line-1' };
    for (let i = 0; i < 20; i++) {
      const delta = { machines: [{ machine: 'press-1', good: 5, scrap: 1, events: 1, lastSourceTime: new Date(T0 + i).toISOString() }], duplicatesDropped: 0 };
      await commitRound(engine.services.db, [`race-${i}`], () => ({ rows: [{ workflowId: h.workflowId, target, delta }], unassigned: [] }));
    }
    const relay = () => new OutboxRelay(
      { db: engine.services.db, client: engine.services.client, metrics: createBridgeMetrics(), log: pino({ level: 'silent' }), announceUnassigned: async () => {} },
      { maxRows: 3, minIntervalMs: 0 },
    );
    const relays = [relay(), relay(), relay()];
    for (const r of relays) r.notify([h.workflowId]);
    await eventually(async () => ((await count(sql`select count(*) as n from outbox where workflow_id = ${h.workflowId}`)) === 0 ? true : undefined), 'the rows delivered');
    await Promise.all(relays.map((r) => r.stop()));
    expect(await h.query(statusQuery)).toMatchObject({ good: 100, scrap: 20, eventsApplied: 20 });
  });

  it('delivers to the other workflows while one keeps refusing its signal', async () => {
    const h = await releaseOrder(engine, '5000003', 'line-1', '1000000');
    // Temporal refuses to start a workflow with an id this long (INVALID_ARGUMENT): a shift that never takes its range.
    const refusing = `shift:plant1:line-1:${'9'.repeat(2_000)}`;
    const shift = { site: 'plant1', line: 'line-1', date: '2026-01-05', shiftCode: 'A', startsAt: '2026-01-05T05:00:00Z', endsAt: '2026-01-05T13:00:00Z' };
    const shiftDelta = { machines: [{ machine: 'press-1', good: 4, scrap: 0, total: 0, events: 1 }], states: [], alarmsRaised: 0, duplicatesDropped: 0 };
    const target = { kind: 'work-order' as const, site: 'plant1', line: 'line-1' };
    const delta = { machines: [{ machine: 'press-1', good: 4, scrap: 0, events: 1, lastSourceTime: new Date(T0).toISOString() }], duplicatesDropped: 0 };
    await commitRound(engine.services.db, ['refuse-1', 'ok-1'], () => ({
      rows: [{ workflowId: refusing, target: { kind: 'shift' as const, shift }, delta: shiftDelta }, { workflowId: h.workflowId, target, delta }],
      unassigned: [],
    }));
    const metrics = createBridgeMetrics();
    const relay = new OutboxRelay({ db: engine.services.db, client: engine.services.client, metrics, log: pino({ level: 'silent' }), announceUnassigned: async () => {} });
    relay.notify([refusing, h.workflowId]);
    await eventually(async () => ((await h.query(statusQuery)).good === 4 ? true : undefined), 'the other order counted');
    await eventually(async () => ((await metrics.relayRetries.get()).values[0]!.value >= 2 ? true : undefined), 'the refusing one retried');
    expect(await count(sql`select count(*) as n from outbox where workflow_id = ${refusing}`)).toBe(1);
    await relay.stop();
    await engine.services.db.execute(sql`delete from outbox where workflow_id = ${refusing}`);
  });

  it('keeps the pieces of an order that is gone as unassigned production, under the range id', async () => {
    const workflowId = 'work-order:plant1:5999999';
    const target = { kind: 'work-order' as const, site: 'plant1', line: 'line-1' };
    const delta = { machines: [{ machine: 'press-1', good: 7, scrap: 0, events: 2, lastSourceTime: new Date(T0).toISOString() }], duplicatesDropped: 0 };
    await commitRound(engine.services.db, ['gone-1', 'gone-2'], () => ({ rows: [{ workflowId, target, delta }], unassigned: [] }));
    const relay = new OutboxRelay(
      { db: engine.services.db, client: engine.services.client, metrics: createBridgeMetrics(), log: pino({ level: 'silent' }), announceUnassigned: async () => {} },
    );
    relay.notify([workflowId]);
    const rows = await eventually(async () => {
      const r = await engine.services.db.select().from(unassignedProduction).where(eq(unassignedProduction.eventId, `${workflowId}#1-1:press-1`));
      return r.length === 1 ? r : undefined;
    }, 'the unassigned row');
    await relay.stop();
    expect(rows[0]).toMatchObject({ good: 7, reason: 'order-closed', status: 'open', lineCode: 'line-1' });
    expect(await count(sql`select count(*) as n from outbox where workflow_id = ${workflowId}`)).toBe(0);
  });

  it('deletes a range the closed order had applied before its relay died, keeps one it never saw as unassigned', async () => {
    const h = await releaseOrder(engine, '5000005', 'line-1', '100');
    const target = { kind: 'work-order' as const, site: 'plant1', line: 'line-1' };
    const delta = (good: number) => ({ machines: [{ machine: 'press-1', good, scrap: 0, events: 1, lastSourceTime: new Date(T0).toISOString() }], duplicatesDropped: 0 });
    const metrics = createBridgeMetrics();
    await commitRound(engine.services.db, ['applied-1'], () => ({ rows: [{ workflowId: h.workflowId, target, delta: delta(7) }], unassigned: [] }));
    // A relay that dies right after Temporal took its signal: the range is sealed and signalled, its rows stay.
    const range = (await sealNextRange(engine.services.db, h.workflowId, 100))!;
    const sent = await deliverToOrder(engine.services.client, metrics, h.workflowId, { v: 1, source: OUTBOX_SOURCE, fromSeq: range.fromSeq, toSeq: range.toSeq, ...sumOrderDeltas(range.deltas as OrderDelta[]) });
    expect(sent).toBe('accepted');
    await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'test' });
    const result = (await resultOf(h)) as WorkOrderResult;
    expect(result).toMatchObject({ phase: 'confirmed', good: 7, confirmedGood: 7, appliedThrough: { [OUTBOX_SOURCE]: range.toSeq } });
    // Then a range the order never saw.
    await commitRound(engine.services.db, ['applied-2'], () => ({ rows: [{ workflowId: h.workflowId, target, delta: delta(5) }], unassigned: [] }));

    const relay = new OutboxRelay({ db: engine.services.db, client: engine.services.client, metrics, log: pino({ level: 'silent' }), announceUnassigned: async () => {} });
    relay.notify([h.workflowId]);
    await eventually(async () => ((await count(sql`select count(*) as n from outbox where workflow_id = ${h.workflowId}`)) === 0 ? true : undefined), 'the rows handled');
    await relay.stop();
    const kept = await engine.services.db.select().from(unassignedProduction).where(like(unassignedProduction.eventId, `${h.workflowId}#%`));
    expect(kept.map((k) => ({ eventId: k.eventId, good: k.good }))).toEqual([{ eventId: `${h.workflowId}#${range.toSeq + 1}-${range.toSeq + 1}:press-1`, good: 5 }]);
    expect((await metrics.rangesAlreadyApplied.get()).values[0]!.value).toBe(1);
  });

  it('does not also make unassigned the pieces a terminated order counted before its relay died', async () => {
    const h = await releaseOrder(engine, '5000006', 'line-1', '100');
    const target = { kind: 'work-order' as const, site: 'plant1', line: 'line-1' };
    const delta = { machines: [{ machine: 'press-1', good: 6, scrap: 0, events: 1, lastSourceTime: new Date(T0).toISOString() }], duplicatesDropped: 0 };
    const metrics = createBridgeMetrics();
    await commitRound(engine.services.db, ['terminated-1'], () => ({ rows: [{ workflowId: h.workflowId, target, delta }], unassigned: [] }));
    // A relay that dies right after Temporal took its signal; then someone terminates the order (Web UI, tctl).
    const range = (await sealNextRange(engine.services.db, h.workflowId, 100))!;
    expect(await deliverToOrder(engine.services.client, metrics, h.workflowId, { v: 1, source: OUTBOX_SOURCE, fromSeq: range.fromSeq, toSeq: range.toSeq, ...sumOrderDeltas(range.deltas as OrderDelta[]) })).toBe('accepted');
    const modelGood = async () => Number((await engine.services.db.select().from(workOrders).where(eq(workOrders.workflowId, h.workflowId)))[0]?.goodQuantity);
    await eventually(async () => ((await modelGood()) === 6 ? true : undefined), 'the range counted, in the read model too');
    await h.terminate('operator');

    const relay = new OutboxRelay({ db: engine.services.db, client: engine.services.client, metrics, log: pino({ level: 'silent' }), announceUnassigned: async () => {} });
    relay.notify([h.workflowId]);
    await eventually(async () => ((await count(sql`select count(*) as n from outbox where workflow_id = ${h.workflowId}`)) === 0 ? true : undefined), 'the rows handled');
    await relay.stop();
    // The order's history holds the signal and its read model the six pieces: they are not kept a second time.
    const kept = await engine.services.db.select().from(unassignedProduction).where(like(unassignedProduction.eventId, `${h.workflowId}#%`));
    expect((await modelGood()) + kept.reduce((a, k) => a + k.good, 0)).toBe(6);
  });

  it('starts a shift with the relay\'s late grace: one that ended closes at once, under the default hour it runs on', async () => {
    const now = Date.now();
    const shiftOf = (code: string) => ({ site: 'plant1', line: 'line-1', date: '2026-01-05', shiftCode: code, startsAt: new Date(now - 10 * 60_000).toISOString(), endsAt: new Date(now - 2 * 60_000).toISOString() });
    const delta = { machines: [{ machine: 'press-1', good: 2, scrap: 0, total: 0, events: 1 }], states: [], alarmsRaised: 0, duplicatesDropped: 0 };
    const short = shiftWorkflowId('plant1', 'line-1', '2026-01-05', 'GRACE10');
    const long = shiftWorkflowId('plant1', 'line-1', '2026-01-05', 'GRACEDEF');
    await commitRound(engine.services.db, ['grace-1', 'grace-2'], () => ({
      rows: [{ workflowId: short, target: { kind: 'shift' as const, shift: shiftOf('GRACE10') }, delta }, { workflowId: long, target: { kind: 'shift' as const, shift: shiftOf('GRACEDEF') }, delta }],
      unassigned: [],
    }));
    const deps = { db: engine.services.db, client: engine.services.client, metrics: createBridgeMetrics(), log: pino({ level: 'silent' }), announceUnassigned: async () => {} };
    const shortRelay = new OutboxRelay(deps, { shiftLateGraceMs: 10_000 });
    const defaultRelay = new OutboxRelay(deps);
    shortRelay.notify([short]);
    defaultRelay.notify([long]);
    const status = (id: string) => engine.services.client.workflow.getHandle(id).describe().then((d) => d.status.name, () => undefined);
    // Ended 2 minutes ago with 10 s of grace: closed as soon as it started, with its count and its (empty) downtime.
    await eventually(async () => ((await status(short)) === 'COMPLETED' ? true : undefined), 'the short-grace shift closed');
    const summary = (await engine.services.client.workflow.getHandle(short).result()) as ShiftSummary;
    expect(summary).toMatchObject({ good: 2, downtime: { records: 0, posted: 0 } });
    await eventually(async () => ((await status(long)) === 'RUNNING' ? true : undefined), 'the default shift started');
    expect((await engine.services.client.workflow.getHandle(long).query(shiftStatusQuery)).good).toBe(2);
    await Promise.all([shortRelay.stop(), defaultRelay.stop()]);
    await engine.services.client.workflow.getHandle(long).terminate('test over');
  });

  it('starts every line\'s current shift on time, without an event, once', async () => {
    const { db, client } = engine.services;
    const lineRows = await db.select().from(lines);
    const now = Date.now();
    const expected: string[] = [];
    for (const l of lineRows) {
      const { calendar } = await loadLineCalendar(db, l.siteCode, l.code);
      const slot = shiftOf(new Date(now).toISOString(), calendar);
      if (slot) expected.push(shiftWorkflowId(l.siteCode, l.code, slot.date, slot.shiftCode));
    }
    expect(expected.length).toBeGreaterThan(1);
    const running = async () => {
      const ids: string[] = [];
      for (const id of expected) if ((await client.workflow.getHandle(id).describe().catch(() => undefined))?.status.name === 'RUNNING') ids.push(id);
      return ids;
    };
    const before = await running();
    // Shifts other tests of this file started by their first delta count as started already.
    expect(await startCurrentShifts(db, client, 1_000, now)).toBe(expected.length - before.length);
    expect(await running()).toEqual(expected);
    expect(await startCurrentShifts(db, client, 1_000, now)).toBe(0);
    // The starter's own sweep remembers what runs: after one pass every line's shift is known and not asked again.
    const known = new Set<string>();
    expect(await startCurrentShifts(db, client, 1_000, now, known)).toBe(0);
    expect([...known].sort()).toEqual([...expected].sort());
  });
});
