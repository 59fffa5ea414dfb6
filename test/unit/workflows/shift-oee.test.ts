import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundle } from '@temporalio/worker';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DowntimePostingInput } from '../../../activities/erp-postings.js';
import type { Activities } from '../../../activities/index.js';
import type { ShiftOeeWrite } from '../../../activities/shift-read-model.js';
import type { MachineEvent } from '../../../contracts/messages/machine-event.js';
import { startTemporal, type TemporalServer } from '../../../stack/temporal.js';
import { installTemporalRuntime } from '../../../workers/wiring/temporal-runtime.js';
import { workflowsPath } from '../../../workers/wiring/temporal-worker.js';
import { machineEventsSignal, reclassifyStopUpdate, shiftStatusQuery } from '../../../workflows/definitions.js';
import { shiftWorkflow } from '../../../workflows/shift.js';
import { downtimeMaster } from '../../helpers/downtime-master.js';
import { alarms, at, BREAK_A, timelines } from '../../helpers/oee-scenario.js';
import { eventually } from '../../helpers/eventually.js';
import { resultOf, UNIT_WAIT_MS } from '../../helpers/workflow-result.js';

let temporal: TemporalServer;
let bundle: WorkflowBundle;
let dataDir: string;
beforeAll(async () => {
  installTemporalRuntime(pino({ level: 'silent' }), 'ERROR');
  dataDir = await mkdtemp(path.join(tmpdir(), 'mes-shift-oee-'));
  [temporal, bundle] = await Promise.all([startTemporal({ dataDir }), bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('ERROR') })]);
});
afterAll(async () => {
  await temporal?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const base = { v: 1 as const, site: 'plant1', line: 'line-1', tag: 't', quality: 'good' as const };
const iso = (ms: number) => new Date(ms).toISOString();
/** Shift A of test/helpers/oee-scenario.ts as the machines' events: states, alarms and counts (what shift A sees). */
const events: MachineEvent[] = [
  ...Object.entries(timelines).flatMap(([machine, list]) =>
    list.filter(([t]) => t < at('14:00')).map(([t, state], i): MachineEvent => ({ ...base, machine, eventId: `${machine}:s${i}`, sourceTime: iso(t), kind: 'state', state, previous: null })),
  ),
  ...alarms.map((a, i): MachineEvent => ({ ...base, machine: a.machine, eventId: `${a.machine}:a${i}`, sourceTime: iso(a.atMs), kind: 'alarm', code: a.code, active: a.active })),
  { ...base, machine: 'press-1', eventId: 'press-1:g', sourceTime: iso(at('13:00')), kind: 'counter', counter: 'good', delta: 12_000, raw: 0 },
  { ...base, machine: 'press-1', eventId: 'press-1:x', sourceTime: iso(at('13:00')), kind: 'counter', counter: 'scrap', delta: 200, raw: 0 },
  { ...base, machine: 'press-2', eventId: 'press-2:g', sourceTime: iso(at('13:00')), kind: 'counter', counter: 'good', delta: 10_000, raw: 0 },
];

/**
 * The activities the shift calls, faked: line-1's context with `master` (test/helpers/downtime-master.ts by default)
 * and an ERP that records each call and times out once on the second record (the retry posts it under the same key).
 */
function fakeActivities(master = downtimeMaster()) {
  const calls: DowntimePostingInput[] = [];
  const stored: ShiftOeeWrite[] = [];
  let failedOnce = false;
  const activities: Pick<Activities, 'loadLineContext' | 'postDowntime' | 'nextShift' | 'upsertShiftOee'> = {
    upsertShiftOee: async (w) => {
      stored.push(w);
    },
    // The shift lies in the past: the one it would hand over to is over too.
    nextShift: async () => null,
    loadLineContext: async () => ({
      plant: '1010',
      costCenter: 'CC4100',
      downtime: master,
      machines: [
        { code: 'press-1', costCenter: 'CC4150', idealCycleTimeMs: 1_500, countingPoint: true },
        { code: 'press-2', costCenter: null, idealCycleTimeMs: 2_000, countingPoint: false },
      ],
      plannedDowntime: [{ startsAt: iso(BREAK_A.startMs), endsAt: iso(BREAK_A.endMs) }],
    }),
    postDowntime: async (i) => {
      calls.push(i);
      if (i.postingSeq === 2 && !failedOnce) {
        failedOnce = true;
        throw new Error('ERP timeout');
      }
      return { document: `DT${i.postingSeq}`, postingKey: `${i.workflowId}#${i.postingSeq}`, replayed: false };
    },
  };
  return { calls, stored, activities };
}

/** Each posted record once (a retried call counted once), by sequence number: which stop took which key. */
const postedBySeq = (calls: DowntimePostingInput[]) =>
  calls
    .filter((c, i) => calls.findIndex((d) => d.postingSeq === c.postingSeq) === i)
    .sort((a, b) => a.postingSeq - b.postingSeq)
    .map(({ postingSeq, machine, costCenter, state, startedAt, endedAt, notificationType, breakdown }) => ({ postingSeq, machine, costCenter, state, startedAt, endedAt, notificationType, breakdown }));

describe('shiftWorkflow with downtime reasons', () => {
  it('classifies the scripted shift, reports OEE and downtime per reason and cost center, and posts the malfunction reports and the planned stop\'s notification, once each', async () => {
    const taskQueue = 'shift-oee-test';
    const { calls, stored, activities } = fakeActivities();
    const worker = await Worker.create({ connection: temporal.env.nativeConnection, taskQueue, workflowBundle: bundle, activities });
    await worker.runUntil(async () => {
      const shift = { site: 'plant1', line: 'line-1', date: '2026-03-02', shiftCode: 'A', startsAt: iso(at('06:00')), endsAt: iso(at('14:00')) };
      // The shift lies in the past: it closes a few seconds from now.
      const lateGraceMs = Date.now() - at('14:00') + 4_000;
      const h = await temporal.env.client.workflow.start(shiftWorkflow, { taskQueue, workflowId: 'shift:plant1:line-1:2026-03-02:A', args: [{ shift, lateGraceMs }] });
      await h.signal(machineEventsSignal, { v: 1, events });
      const stopId = 'press-1@2026-03-02T10:00:00.000Z';
      const live = await h.executeUpdate(reclassifyStopUpdate, { args: [{ stopId, reason: 'cleaning', by: 'operator-7', at: iso(Date.now()) }] });
      expect(live.oee?.downtimeByReason.cleaning).toEqual({ stops: 1, ms: 1_800_000, microStops: 0, microMs: 0 });
      const refused = await h.executeUpdate(reclassifyStopUpdate, { args: [{ stopId, reason: 'gone', by: 'operator-7', at: iso(Date.now()) }] }).catch((e: Error) => e);
      expect((refused as Error & { cause?: Error }).cause?.message).toMatch(/reason: unknown reason gone/);
      const noStop = await h.executeUpdate(reclassifyStopUpdate, { args: [{ stopId: 'press-1@2026-03-02T10:01:00.000Z', reason: 'cleaning', by: 'operator-7', at: iso(Date.now()) }] }).catch((e: Error) => e);
      expect((noStop as Error & { cause?: Error }).cause?.message).toMatch(/stopId: no stop press-1@2026-03-02T10:01:00.000Z in shift 2026-03-02 A of line line-1/);

      const summary = await resultOf(h, 'its result', UNIT_WAIT_MS);
      // press-1 by hand (test/unit/oee/figures.test.ts, without held pieces): A = 21.6 / 25.2 h-ms = 6/7,
      // P = 1.5 s x 12,200 / 21,600 s = 61/72, Q = 12,000 / 12,200 = 60/61, OEE = 1.5 s x 12,000 / 25,200 s = 5/7.
      expect(summary.oee?.machines['press-1']).toMatchObject({ availability: 6 / 7, performance: 61 / 72, quality: 60 / 61, oee: 5 / 7, plannedProductionS: '25200', runS: '21600' });
      expect(summary.oee?.machines['press-1']?.lossesS).toMatchObject({ breakdowns: '3000', smallStops: '90', idle: '600', reducedSpeed: '3210', productionRejects: '300' });
      expect(summary.oee?.machines['press-2']).toMatchObject({ availability: 41 / 45, performance: 100 / 123, quality: 1, oee: 20 / 27 });
      // The line's output is its counting point, press-1.
      expect(summary.oee?.line).toMatchObject({ availability: 6 / 7, oee: 5 / 7 });
      expect(summary.oee?.downtimeByCostCenter).toEqual({
        CC4900: { stops: 1, ms: 1_200_000, microStops: 0, microMs: 0 },
        CC4150: { stops: 4, ms: 90_000 + 4_200_000, microStops: 1, microMs: 90_000 },
        CC4100: { stops: 2, ms: 660_000, microStops: 1, microMs: 60_000 },
      });
      // The planned cleaning is reported as what it is: a Z1 notification without the breakdown flag.
      expect(summary.downtime).toMatchObject({ records: 7, posted: 4, byReport: { malfunction: 3, none: 3, notification: 1 }, problems: [] });
      // The read model's last write is the result itself; before it, the running shift's figures (throttled).
      expect(stored.at(-1)).toEqual({ workflowId: 'shift:plant1:line-1:2026-03-02:A', state: 'closed', summary, writtenAt: expect.any(String) });
      expect(stored.slice(0, -1).every((w) => w.state === 'running')).toBe(true);
      expect(stored.length).toBeGreaterThan(1);
      // Posted side by side (eight at a time): in the order of their keys, not of the calls.
      expect(calls).toHaveLength(5);
      expect(postedBySeq(calls)).toEqual([
        { postingSeq: 1, machine: 'press-1', costCenter: 'CC4900', state: 'fault', startedAt: '2026-03-02T07:00:00.000Z', endedAt: '2026-03-02T07:20:00.000Z', notificationType: undefined, breakdown: undefined },
        { postingSeq: 2, machine: 'press-1', costCenter: 'CC4150', state: 'setup', startedAt: '2026-03-02T10:00:00.000Z', endedAt: '2026-03-02T10:30:00.000Z', notificationType: 'Z1', breakdown: false },
        { postingSeq: 3, machine: 'press-1', costCenter: 'CC4150', state: 'fault', startedAt: '2026-03-02T13:30:00.000Z', endedAt: '2026-03-02T14:00:00.000Z', notificationType: undefined, breakdown: undefined },
        { postingSeq: 4, machine: 'press-2', costCenter: 'CC4100', state: 'fault', startedAt: '2026-03-02T11:00:00.000Z', endedAt: '2026-03-02T11:10:00.000Z', notificationType: undefined, breakdown: undefined },
      ]);
      if (process.env.MES_RECORD_HISTORIES)
        await writeFile(path.join(import.meta.dirname, '../../fixtures/histories/shift-closed-with-oee-read-model.json'), historyToJSON(await h.fetchHistory()));
    });
  });

  it('posts the stops whose reason says stop-end as they close (an operator\'s reason included), the rest at the close after them, none twice, through continue-as-new', async () => {
    const taskQueue = 'shift-oee-per-stop-test';
    const master = downtimeMaster();
    for (const r of master.categories.flatMap((c) => c.reasons)) {
      if (r.code === 'unexplained-fault') r.erp = { report: 'malfunction', when: 'stop-end' };
      if (r.code === 'cleaning') r.erp = { report: 'notification', notificationType: 'Z1', when: 'stop-end' };
    }
    const { calls, activities } = fakeActivities(master);
    const worker = await Worker.create({ connection: temporal.env.nativeConnection, taskQueue, workflowBundle: bundle, activities });
    await worker.runUntil(async () => {
      const shift = { site: 'plant1', line: 'line-1', date: '2026-03-02', shiftCode: 'A', startsAt: iso(at('06:00')), endsAt: iso(at('14:00')) };
      const lateGraceMs = Date.now() - at('14:00') + 10_000;
      // One event more than the scenario's: the extra one makes the run continue as new after the first post.
      const h = await temporal.env.client.workflow.start(shiftWorkflow, {
        taskQueue, workflowId: 'shift:plant1:line-1:2026-03-02:A:per-stop', args: [{ shift, lateGraceMs, continueAsNewAfterEvents: events.length + 1 }],
      });
      await h.signal(machineEventsSignal, { v: 1, events });
      const seqs = () => [...new Set(calls.map((c) => c.postingSeq))].sort();
      // press-2's 11:00 fault (press-2's E-101: unexplained-fault) closed at 11:10: posted while the shift runs.
      await eventually(async () => (seqs().length === 1 ? true : undefined), 'the closed stop-end stop posted', UNIT_WAIT_MS);
      await h.signal(machineEventsSignal, { v: 1, events: [{ ...base, machine: 'press-2', eventId: 'press-2:g2', sourceTime: iso(at('13:01')), kind: 'counter', counter: 'good', delta: 1, raw: 0 }] });
      await eventually(async () => ((await h.describe()).runId !== h.firstExecutionRunId ? true : undefined), 'the run continued as new', UNIT_WAIT_MS);
      // A run takes reasons once it has loaded the line's master data, at its start.
      await eventually(async () => (await h.query(shiftStatusQuery)).oee, 'the new run\'s master data', UNIT_WAIT_MS);
      // The operator's reason makes the 10:00 setup a planned cleaning, reported when it ends: it ended, so now.
      await h.executeUpdate(reclassifyStopUpdate, { args: [{ stopId: 'press-1@2026-03-02T10:00:00.000Z', reason: 'cleaning', by: 'operator-7', at: iso(Date.now()) }] });
      await eventually(async () => (seqs().length === 2 ? true : undefined), 'the reclassified stop posted', UNIT_WAIT_MS);
      expect((await h.describe()).status.name).toBe('RUNNING');

      const summary = await resultOf(h, 'its result', UNIT_WAIT_MS);
      expect(summary.downtime).toMatchObject({ records: 7, posted: 4, byReport: { malfunction: 3, none: 3, notification: 1 }, problems: [] });
      // Keys in the order the stops were posted: two when they closed, then the close's in (machine, start) order;
      // press-1's 13:30 fault is still open at 14:00, so the close posts it although its reason says stop-end.
      expect(postedBySeq(calls)).toEqual([
        { postingSeq: 1, machine: 'press-2', costCenter: 'CC4100', state: 'fault', startedAt: '2026-03-02T11:00:00.000Z', endedAt: '2026-03-02T11:10:00.000Z', notificationType: undefined, breakdown: undefined },
        { postingSeq: 2, machine: 'press-1', costCenter: 'CC4150', state: 'setup', startedAt: '2026-03-02T10:00:00.000Z', endedAt: '2026-03-02T10:30:00.000Z', notificationType: 'Z1', breakdown: false },
        { postingSeq: 3, machine: 'press-1', costCenter: 'CC4900', state: 'fault', startedAt: '2026-03-02T07:00:00.000Z', endedAt: '2026-03-02T07:20:00.000Z', notificationType: undefined, breakdown: undefined },
        { postingSeq: 4, machine: 'press-1', costCenter: 'CC4150', state: 'fault', startedAt: '2026-03-02T13:30:00.000Z', endedAt: '2026-03-02T14:00:00.000Z', notificationType: undefined, breakdown: undefined },
      ]);
      // Each stop once: the retried second record is the only repeated call.
      expect(calls).toHaveLength(5);
      const first = await temporal.env.client.workflow.getHandle(h.workflowId, h.firstExecutionRunId).describe();
      expect(first.status.name).toBe('CONTINUED_AS_NEW');
      if (process.env.MES_RECORD_HISTORIES)
        await writeFile(path.join(import.meta.dirname, '../../fixtures/histories/shift-posted-per-stop.json'), historyToJSON(await h.fetchHistory()));
    });
  });
});
