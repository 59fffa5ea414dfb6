import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMasterDataActivities } from '../../activities/master-data.js';
import { issueToken } from '../../api/auth.js';
import { buildPlannerApi } from '../../api/app.js';
import { LineContextCache } from '../../bridge/context.js';
import { shiftWorkflowId } from '../../contracts/ids.js';
import type { MachineEvent, MachineState } from '../../contracts/messages/machine-event.js';
import type { ExceptionKind } from '../../contracts/messages/exception.js';
import type { WorkOrderStatus } from '../../contracts/messages/work-order-status.js';
import { TASK_QUEUE } from '../../contracts/names.js';
import { acknowledgeException, recordException, resolveException } from '../../db/exception-records.js';
import { loadLineCalendar } from '../../db/line-calendar.js';
import { seedPlant } from '../../db/seed.js';
import { auditLog, counterHolds, shiftOee, workOrders } from '../../schema/index.js';
import { shiftOf, shiftsBetween } from '../../shifts/shift-of.js';
import { machineEventsSignal } from '../../workflows/definitions.js';
import { shiftWorkflow } from '../../workflows/shift.js';
import { demoPlantWithDowntime } from '../helpers/downtime-master.js';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { resultOf } from '../helpers/workflow-result.js';

// line-1 of the demo plant: press-1 and press-2, both counting points, 2 s ideal cycle time, cost center CC4100.
const SITE = 'plant1';
const LINE = 'line-1';
const MIN = 60_000;
const DAY = 86_400_000;

let engine: TestEngine;
let api: FastifyInstance;
let tokens: { planner: string; viewer: string; operator: string };
beforeAll(async () => {
  engine = await startTestEngine({ bridge: false });
  // The site's downtime reasons (test/helpers/downtime-master.ts) before the shift starts: it loads them at its start.
  await seedPlant(engine.services.db, await demoPlantWithDowntime());
  api = await buildPlannerApi({ db: engine.services.db, client: engine.services.client });
  const db = engine.services.db;
  tokens = { planner: await issueToken(db, 'planner-1', 'planner'), viewer: await issueToken(db, 'viewer-1', 'viewer'), operator: await issueToken(db, 'operator-1', 'operator') };
}, 180_000);
afterAll(async () => {
  await api?.close();
  await engine?.stop();
});

const get = (url: string, token = tokens.viewer) => api.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
const send = (method: 'PUT' | 'POST', url: string, payload: unknown, token = tokens.planner) =>
  api.inject({ method, url, payload: payload as object, headers: { authorization: `Bearer ${token}` } });

describe('OEE stored per shift', () => {
  it('writes the closed shift\'s OEE to shift_oee equal to the workflow\'s figures and the hand-computed ones, and serves trend and report', async () => {
    // A one-hour shift ending a few seconds from now, in whole seconds.
    const end = Math.ceil((Date.now() + 6_000) / 1000) * 1000;
    const start = end - 60 * MIN;
    const at = (min: number) => new Date(start + min * MIN).toISOString();
    let n = 0;
    const base = (machine: string, min: number) => ({ v: 1 as const, eventId: `${machine}:${n++}`, site: SITE, line: LINE, machine, tag: 't', quality: 'good' as const, sourceTime: at(min) });
    const state = (machine: string, min: number, s: MachineState): MachineEvent => ({ ...base(machine, min), kind: 'state', state: s, previous: null });
    const events: MachineEvent[] = [
      // press-1: a 10-minute fault explained by E-101 (die-jam, cost center CC4900), a 1-minute stop (micro-stop, < 120 s).
      state('press-1', 0, 'running'), state('press-1', 10, 'fault'), { ...base('press-1', 10.01), kind: 'alarm', code: 'E-101', active: true },
      { ...base('press-1', 15), kind: 'alarm', code: 'E-101', active: false }, state('press-1', 20, 'running'),
      state('press-1', 30, 'stopped'), state('press-1', 31, 'running'),
      // press-2: idle for 10 minutes (no-material, the line's CC4100).
      state('press-2', 0, 'running'), state('press-2', 40, 'idle'), state('press-2', 50, 'running'),
      { ...base('press-1', 55), kind: 'counter', counter: 'good', delta: 1_000, raw: 0 },
      { ...base('press-1', 55), kind: 'counter', counter: 'scrap', delta: 20, raw: 0 },
      { ...base('press-2', 55), kind: 'counter', counter: 'good', delta: 900, raw: 0 },
    ];
    const date = new Date(start).toISOString().slice(0, 10);
    const workflowId = shiftWorkflowId(SITE, LINE, date, 'T');
    const shift = { site: SITE, line: LINE, date, shiftCode: 'T', startsAt: new Date(start).toISOString(), endsAt: new Date(end).toISOString() };
    const h = await engine.services.client.workflow.start(shiftWorkflow, { taskQueue: TASK_QUEUE, workflowId, args: [{ shift, lateGraceMs: 1_000 }] });
    await h.signal(machineEventsSignal, { v: 1, events });
    const result = await resultOf(h);

    // By hand: press-1 planned 3,600 s, run 3,000 s (the micro-stop is a speed loss): A = 5/6, P = 2 s x 1,020 / 3,000 s,
    // Q = 1,000 / 1,020, OEE = 2 s x 1,000 / 3,600 s; press-2 A = 5/6, P = 0.6, Q = 1; the line is both presses summed.
    expect(result.oee?.machines['press-1']).toMatchObject({ availability: 5 / 6, performance: 0.68, quality: 1_000 / 1_020, oee: 5 / 9, plannedProductionS: '3600', runS: '3000' });
    expect(result.oee?.machines['press-2']).toMatchObject({ availability: 5 / 6, performance: 0.6, quality: 1, oee: 0.5 });
    expect(result.oee?.line).toMatchObject({ availability: 5 / 6, performance: 0.64, quality: 1_900 / 1_920, oee: 19 / 36, good: 1_900, scrap: 20 });
    expect(result.oee?.downtimeByReason).toEqual({
      'die-jam': { stops: 1, ms: 10 * MIN, microStops: 0, microMs: 0 },
      'short-stop': { stops: 1, ms: MIN, microStops: 1, microMs: MIN },
      'no-material': { stops: 1, ms: 10 * MIN, microStops: 0, microMs: 0 },
    });

    // The row holds the workflow's result exactly, and its columns the line's factors.
    const [row] = await engine.services.db.select().from(shiftOee).where(and(eq(shiftOee.siteCode, SITE), eq(shiftOee.lineCode, LINE), eq(shiftOee.shiftDate, date), eq(shiftOee.shiftCode, 'T')));
    expect(row).toMatchObject({ workflowId, state: 'closed', good: 1_900, scrap: 20, availability: 5 / 6, performance: 0.64, quality: 1_900 / 1_920, oee: 19 / 36 });
    expect(row!.summary).toEqual(result);

    // The trend reads the table.
    const list = await get(`/shifts/${SITE}/${LINE}?from=${date}&to=${date}`);
    expect(list.statusCode).toBe(200);
    // Beside it, the calendar's shift it handed over to (running, or closed by now).
    expect(list.json().shifts.filter((s: { shiftCode: string }) => s.shiftCode === 'T')).toEqual([
      expect.objectContaining({ date, shiftCode: 'T', state: 'closed', good: 1_900, scrap: 20, oee: 19 / 36, line: result.oee!.line }),
    ]);
    expect((await get(`/shifts/${SITE}/${LINE}?to=2000-01-01`)).json().shifts).toEqual([]);
    expect((await get(`/shifts/${SITE}/${LINE}?from=yesterday`)).statusCode).toBe(400);

    // Open holds and exceptions on the line: a counter hold, an order with an open quality hold, an order in exception.
    const db = engine.services.db;
    await db.insert(counterHolds).values({
      eventId: 'press-1:hold:1', siteCode: SITE, lineCode: LINE, machineCode: 'press-1', tag: 'good', counter: 'good', reason: 'implausible-jump',
      delta: 40_000, limit: 300, elapsedMs: 60_000, raw: 41_000, readings: [], sourceTime: new Date(start + 45 * MIN), countingPoint: true,
    });
    const order = (erpOrderId: string, status: string, doc: Partial<WorkOrderStatus>) => ({
      workflowId: `work-order:${SITE}:${erpOrderId}`, siteCode: SITE, erpOrderId, lineCode: LINE, material: 'BRACKET-A', operation: '0010',
      plannedQuantity: '100', unit: 'PC', status, releasedAt: new Date(start), statusDoc: { qualityHolds: [], exception: null, ...doc } as WorkOrderStatus,
    });
    const disposed = { decision: 'scrap', by: 'q-1' } as unknown as NonNullable<WorkOrderStatus['qualityHolds'][number]['disposition']>;
    await db.insert(workOrders).values([
      order('4711', 'running', { qualityHolds: [
        { id: 1, quantity: 12, defectText: 'burr on edge', requestedBy: 'q-1', notification: '200001', disposition: null },
        { id: 2, quantity: 3, defectText: 'scratch', requestedBy: 'q-1', notification: '200002', disposition: disposed },
      ] }),
      order('4712', 'exception', { exception: 'ERP refused the confirmation: posting period 11/2026 is closed' }),
      order('4713', 'exception', { exception: 'ERP refused the goods receipt: material BRACKET-A locked' }),
    ]);
    // The inbox's records of the line: open, acknowledged (both listed; the rejection speaks for order 4713, listed
    // once), resolved (not listed); one of another line (not listed).
    const record = async (causeKey: string, kind: ExceptionKind, line: string, minute: number, workflowId: string | null = null) =>
      (await recordException(db, {
        kind, severity: 'warning', site: SITE, line, erpOrderId: null, workflowId, stage: 'test', causeKey, occurrence: causeKey,
        reason: `${causeKey} needs a person`, evidence: {}, actions: ['skip'], occurredAt: at(minute),
      }))!.record.id;
    const ghost = await record('ghost', 'unknown-machine', LINE, 50);
    const rejected = await record('rejected-4713', 'erp-rejection', LINE, 30, `work-order:${SITE}:4713`);
    await acknowledgeException(db, rejected, 'q-1');
    await resolveException(db, await record('done', 'unassigned-production', LINE, 20), 'q-1', { action: 'skip', reason: 'test' });
    await record('elsewhere', 'unknown-machine', 'line-2', 10);
    const report = await get(`/shifts/${SITE}/${LINE}/${date}/T/report`);
    expect(report.statusCode).toBe(200);
    const r = report.json();
    expect(r).toMatchObject({ workflowId, state: 'closed', source: 'read-model', produced: { good: 1_900, scrap: 20, total: 0 }, oee: result.oee!.line, downtimePosted: result.downtime });
    expect(r.downtimeByReason).toEqual([
      { reason: 'die-jam', name: 'Die jammed', category: 'mechanical', planned: false, stops: 1, ms: 10 * MIN, microStops: 0, microMs: 0 },
      { reason: 'no-material', name: 'Waiting for material', category: 'operational', planned: false, stops: 1, ms: 10 * MIN, microStops: 0, microMs: 0 },
      { reason: 'short-stop', name: 'Stopped by operator', category: 'operational', planned: false, stops: 1, ms: MIN, microStops: 1, microMs: MIN },
    ]);
    expect(r.downtimeByCostCenter).toEqual([
      { costCenter: 'CC4100', stops: 2, ms: 11 * MIN, microStops: 1, microMs: MIN },
      { costCenter: 'CC4900', stops: 1, ms: 10 * MIN, microStops: 0, microMs: 0 },
    ]);
    expect(r.oee.lossesS).toMatchObject({ breakdowns: '600', smallStops: '60', idle: '600' });
    expect(r.openHolds.quality).toEqual([{ workflowId: `work-order:${SITE}:4711`, erpOrderId: '4711', id: 1, quantity: 12, defectText: 'burr on edge', requestedBy: 'q-1', notification: '200001' }]);
    expect(r.openHolds.counter).toEqual([expect.objectContaining({ eventId: 'press-1:hold:1', machine: 'press-1', delta: 40_000 })]);
    expect(r.openExceptions).toEqual([
      { kind: 'erp-rejection', ref: `exception/${rejected}`, reason: 'rejected-4713 needs a person', since: at(30) },
      { kind: 'unknown-machine', ref: `exception/${ghost}`, reason: 'ghost needs a person', since: at(50) },
      expect.objectContaining({ kind: 'order', ref: `work-order:${SITE}:4712`, reason: 'ERP refused the confirmation: posting period 11/2026 is closed' }),
    ]);
    // The shift's own GET answers the stored result too.
    expect((await get(`/shifts/${SITE}/${LINE}/${date}/T`)).json()).toEqual({ workflowId, state: 'closed', summary: result });
    expect((await get(`/shifts/${SITE}/${LINE}/${date}/Z/report`)).statusCode).toBe(404);
    const doc = (await api.inject().get('/openapi.json')).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/shifts/{site}/{line}', '/shifts/{site}/{line}/{date}/{shiftCode}/report', '/shift-calendars/{site}/lines/{line}/versions']));
  }, 200_000);
});

describe('shift calendars through the API', () => {
  it('refuses a change reaching a closed shift and a bad field, naming them; takes a version from a future boundary, audited, read at once by the bridge and the activities', async () => {
    const db = engine.services.db;
    const { calendar } = await loadLineCalendar(db, SITE, 'line-2');
    const now = Date.now();
    const past = shiftsBetween(calendar, now - 3 * DAY, now - 2 * DAY)[0]!;
    const future = shiftsBetween(calendar, now + 2 * DAY, now + 3 * DAY).find((s) => s.shiftCode === 'A')!;
    const twelve = (validFrom: string) => ({ validFrom, shifts: [{ code: 'D', start: '06:00', end: '18:00' }, { code: 'N', start: '18:00', end: '06:00' }] });
    const url = `/shift-calendars/${SITE}/lines/line-2/versions`;
    const audited = async () => (await db.select().from(auditLog).where(eq(auditLog.action, 'shift-calendar'))).length;

    const closed = await send('POST', url, twelve(past.startsAt));
    expect(closed.statusCode).toBe(409);
    expect(closed.json().detail).toMatch(new RegExp(`^shift calendar of ${SITE}/line-2 not changed: validFrom: ${past.startsAt} lies before the end of shift .* which has closed`));
    const inside = await send('POST', url, twelve(new Date(Date.parse(future.startsAt) + 2 * 3_600_000).toISOString()));
    expect(inside.statusCode).toBe(409);
    expect(inside.json().detail).toMatch(/validFrom: .* lies inside shift A of .* start a version at a shift boundary/);
    const badField = await send('PUT', `/shift-calendars/${SITE}/lines/line-2`, { versions: [{ validFrom: '1970-01-01T00:00:00Z', shifts: [{ code: 'A', start: '25:00', end: '14:00' }] }] });
    expect(badField.statusCode).toBe(400);
    expect(badField.json().detail).toMatch(/versions\.0\.shifts\.0\.start: must be a local time HH:MM/);
    const unknownLine = await send('POST', `/shift-calendars/${SITE}/lines/line-9/versions`, twelve(future.startsAt));
    expect(unknownLine.statusCode).toBe(404);
    expect((await send('POST', url, twelve(future.startsAt), tokens.operator)).statusCode).toBe(403);
    // The site's calendar (line-1 and line-2 work to it): maintenance inside the running shift is refused, for each line.
    const running = shiftOf(new Date().toISOString(), calendar)!;
    const startHh = { A: '06', B: '14', C: '22' }[running.shiftCode as 'A' | 'B' | 'C'];
    const site = (await get(`/shift-calendars/${SITE}`)).json().calendars.site;
    const inRunning = await send('PUT', `/shift-calendars/${SITE}`, { ...site, maintenance: [{ from: `${running.date}T${startHh}:00`, to: `${running.date}T${startHh}:30`, note: 'oil change' }] });
    expect(inRunning.statusCode).toBe(409);
    expect(inRunning.json().detail).toMatch(new RegExp(`^shift calendar of ${SITE} not changed: maintenance\\[0\\]: would change shift ${running.shiftCode} of ${running.date} .* which is running now: .* \\(lines line-1, line-2\\)$`));
    expect(await audited()).toBe(0);

    // The bridge's context, as a running bridge holds it, before the change.
    const cache = new LineContextCache(db, engine.stack.postgres.url);
    await cache.start();
    try {
      const lookup = async () => (await cache.resolve([[SITE, 'robot-1']]))(SITE, 'robot-1')!.calendar;
      expect((await lookup()).versions).toHaveLength(1);

      const taken = await send('POST', url, twelve(future.startsAt));
      expect(taken.statusCode).toBe(200);
      expect(taken.json().calendars.lines['line-2'].versions.map((v: { validFrom: string }) => v.validFrom)).toEqual(['1970-01-01T00:00:00Z', future.startsAt]);
      expect(await audited()).toBe(1);
      // line-1 keeps the site's calendar.
      expect(taken.json().calendars.site.versions).toHaveLength(1);

      // Without a restart: the bridge (NOTIFY shift_calendars) and the shift's next-shift activity (reads per call).
      await eventually(async () => ((await lookup()).versions.length === 2 ? true : undefined), 'the bridge to reload the calendar');
      const { nextShift } = createMasterDataActivities({ db });
      expect(await nextShift({ site: SITE, line: 'line-2', afterMs: Date.parse(future.startsAt) - 1 })).toMatchObject({ shiftCode: 'D', startsAt: future.startsAt });
      expect(await nextShift({ site: SITE, line: 'line-1', afterMs: Date.parse(future.startsAt) - 1 })).toMatchObject({ shiftCode: 'A', startsAt: future.startsAt });

      // Adding the same version again is refused as not later than the last one.
      const again = await send('POST', url, twelve(future.startsAt));
      expect(again.statusCode).toBe(409);
      expect(again.json().detail).toMatch(/^validFrom: must be later than the current last version's validFrom/);
      expect((await get(`/shift-calendars/${SITE}`)).json().calendars.lines['line-2'].versions).toHaveLength(2);
    } finally {
      await cache.stop();
    }
  }, 120_000);
});
