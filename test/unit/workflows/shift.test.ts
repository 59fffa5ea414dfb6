import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { DefaultLogger, Worker, type WorkflowBundle } from '@temporalio/worker';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MachineEvent, MachineState } from '../../../contracts/messages/machine-event.js';
import type { Activities } from '../../../activities/index.js';
import type { DowntimePostingInput } from '../../../activities/erp-postings.js';
import { startTemporal, type TemporalServer } from '../../../stack/temporal.js';
import { installTemporalRuntime } from '../../../workers/wiring/temporal-runtime.js';
import { bundleMesWorkflows } from '../../../workers/wiring/temporal-worker.js';
import { workflowSpanSinks } from '../../../workers/wiring/temporal-tracing.js';
import { machineEventsSignal, shiftStatusQuery } from '../../../workflows/definitions.js';
import { shiftWorkflow } from '../../../workflows/shift.js';
import { resultOf, UNIT_WAIT_MS } from '../../helpers/workflow-result.js';

let temporal: TemporalServer;
let bundle: WorkflowBundle;
let dataDir: string;
const historiesDir = path.join(import.meta.dirname, '../../fixtures/histories');
beforeAll(async () => {
  installTemporalRuntime(pino({ level: 'silent' }), 'ERROR');
  dataDir = await mkdtemp(path.join(tmpdir(), 'mes-shift-'));
  [temporal, bundle] = await Promise.all([startTemporal({ dataDir }), bundleMesWorkflows(new DefaultLogger('ERROR'))]);
});
afterAll(async () => {
  await temporal?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const base = { v: 1 as const, site: 'plant1', line: 'line-2', machine: 'robot-1', tag: 't', quality: 'good' as const };
const state = (id: string, at: number, s: MachineState): MachineEvent => ({ ...base, eventId: id, sourceTime: new Date(at).toISOString(), kind: 'state', state: s, previous: null });
const good = (id: string, at: number, delta: number): MachineEvent => ({ ...base, eventId: id, sourceTime: new Date(at).toISOString(), kind: 'counter', counter: 'good', delta, raw: delta });

describe('shiftWorkflow', () => {
  it('keeps counts and state timelines through continue-as-new, and closes after its grace period', async () => {
    const taskQueue = 'shift-test';
    const posted: DowntimePostingInput[] = [];
    const activities: Pick<Activities, 'loadLineContext' | 'postDowntime' | 'nextShift' | 'upsertShiftOee'> = {
      upsertShiftOee: async () => {},
      loadLineContext: async () => ({ plant: '1010', costCenter: 'CC1000' }),
      nextShift: async () => null,
      postDowntime: async (i) => {
        posted.push(i);
        return { document: `DT${i.postingSeq}`, postingKey: `${i.workflowId}#${i.postingSeq}`, replayed: false };
      },
    };
    const worker = await Worker.create({ connection: temporal.env.nativeConnection, taskQueue, workflowBundle: bundle, activities, sinks: workflowSpanSinks() });
    await worker.runUntil(async () => {
      const now = Date.now();
      const shift = { site: 'plant1', line: 'line-2', date: '2026-11-25', shiftCode: 'A', startsAt: new Date(now - 60_000).toISOString(), endsAt: new Date(now + 3_000).toISOString() };
      const h = await temporal.env.client.workflow.start(shiftWorkflow, {
        taskQueue, workflowId: 'shift:plant1:line-2:test:A', args: [{ shift, lateGraceMs: 1_000, continueAsNewAfterEvents: 4 }],
      });
      const firstRun = h.firstExecutionRunId;
      // 40 s running then 20 s down, sent out of order and with a redelivered batch.
      await h.signal(machineEventsSignal, { v: 1, events: [state('s2', now - 20_000, 'fault'), good('g1', now - 50_000, 5)] });
      await h.signal(machineEventsSignal, { v: 1, events: [state('s1', now - 60_000, 'running'), good('g2', now - 30_000, 7), good('g3', now - 10_000, 1)] });
      await h.signal(machineEventsSignal, { v: 1, events: [good('g2', now - 30_000, 7)] });
      const summary = await resultOf(h, 'its result', UNIT_WAIT_MS);
      expect(summary).toMatchObject({ good: 13, eventsApplied: 5, duplicatesDropped: 1, quality: 1 });
      expect(summary.stateMs.running).toBe(40_000);
      expect(summary.stateMs.fault).toBe(23_000); // from the fault until the shift's end
      expect(summary.availability).toBeCloseTo(40 / 63, 3);
      // The fault stretch is one downtime record to the line's cost center, posted once at the close.
      expect(summary.downtime).toEqual({ records: 1, posted: 1, totalMinutes: '0.383', problems: [] });
      expect(posted).toEqual([
        expect.objectContaining({ workflowId: 'shift:plant1:line-2:test:A', postingSeq: 1, plant: '1010', costCenter: 'CC1000', machine: 'robot-1', state: 'fault', durationMin: '0.383' }),
      ]);
      const first = await temporal.env.client.workflow.getHandle(h.workflowId, firstRun).describe();
      expect(first.status.name).toBe('CONTINUED_AS_NEW');
      await expect(h.query(shiftStatusQuery)).resolves.toMatchObject({ good: 13 });
      if (process.env.MES_RECORD_HISTORIES) {
        // Both runs: the first ends in continue-as-new, the second closes the shift and posts its downtime.
        const firstHistory = await temporal.env.client.workflow.getHandle(h.workflowId, firstRun).fetchHistory();
        await writeFile(path.join(historiesDir, 'shift-continued-as-new.json'), historyToJSON(firstHistory));
        await writeFile(path.join(historiesDir, 'shift-closed-with-downtime.json'), historyToJSON(await h.fetchHistory()));
      }
    });
  });

  // Shift B of the line follows A at its end; both are 'test' shifts of a few seconds.
  const handoverWorker = async (taskQueue: string, aEndsAt: string, bEndsAt: string, posted: DowntimePostingInput[]) => {
    const activities: Pick<Activities, 'loadLineContext' | 'postDowntime' | 'nextShift' | 'upsertShiftOee'> = {
      upsertShiftOee: async () => {},
      loadLineContext: async () => ({ plant: '1010', costCenter: 'CC1000' }),
      nextShift: async (i) => (i.afterMs === Date.parse(aEndsAt) ? { site: i.site, line: i.line, date: 'test', shiftCode: 'B', startsAt: aEndsAt, endsAt: bEndsAt } : null),
      postDowntime: async (i) => {
        posted.push(i);
        return { document: `DT${i.postingSeq}`, postingKey: `${i.workflowId}#${i.postingSeq}`, replayed: false };
      },
    };
    return Worker.create({ connection: temporal.env.nativeConnection, taskQueue, workflowBundle: bundle, activities });
  };

  it('starts the next shift at its end, without an event, and hands over a stop running across the boundary', async () => {
    const now = Date.now();
    const line = 'line-h1';
    const a = { site: 'plant1', line, date: 'test', shiftCode: 'A', startsAt: new Date(now - 60_000).toISOString(), endsAt: new Date(now + 3_000).toISOString() };
    const bEndsAt = new Date(now + 7_000).toISOString();
    const posted: DowntimePostingInput[] = [];
    const taskQueue = 'shift-handover-test';
    const worker = await handoverWorker(taskQueue, a.endsAt, bEndsAt, posted);
    await worker.runUntil(async () => {
      const h = await temporal.env.client.workflow.start(shiftWorkflow, { taskQueue, workflowId: `shift:plant1:${line}:test:A`, args: [{ shift: a, lateGraceMs: 500 }] });
      await h.signal(machineEventsSignal, { v: 1, events: [{ ...state('h1', now - 60_000, 'running'), line }, { ...state('h2', now - 20_000, 'fault'), line }] });
      const summaryA = await resultOf(h, 'shift A', UNIT_WAIT_MS);
      expect(summaryA.stateMs).toEqual({ running: 40_000, fault: 23_000 });
      // Nobody signalled B: A started it, with the fault standing at the boundary.
      const summaryB = await resultOf(temporal.env.client.workflow.getHandle(`shift:plant1:${line}:test:B`), 'shift B', UNIT_WAIT_MS);
      expect(summaryB.stateMs).toEqual({ fault: 4_000 });
      expect(summaryB.downtime).toMatchObject({ records: 1, posted: 1, totalMinutes: '0.067' });
      expect(posted.map((p) => [p.workflowId, p.state, p.startedAt, p.endedAt])).toEqual([
        [`shift:plant1:${line}:test:A`, 'fault', new Date(now - 20_000).toISOString(), a.endsAt],
        [`shift:plant1:${line}:test:B`, 'fault', a.endsAt, bEndsAt],
      ]);
    });
  });

  it('hands the boundary states to a next shift its first event started already, once', async () => {
    const now = Date.now();
    const line = 'line-h2';
    const a = { site: 'plant1', line, date: 'test', shiftCode: 'A', startsAt: new Date(now - 60_000).toISOString(), endsAt: new Date(now + 3_000).toISOString() };
    const b = { site: 'plant1', line, date: 'test', shiftCode: 'B', startsAt: a.endsAt, endsAt: new Date(now + 7_000).toISOString() };
    const taskQueue = 'shift-handover-started-test';
    const worker = await handoverWorker(taskQueue, a.endsAt, b.endsAt, []);
    await worker.runUntil(async () => {
      const h = await temporal.env.client.workflow.start(shiftWorkflow, { taskQueue, workflowId: `shift:plant1:${line}:test:A`, args: [{ shift: a, lateGraceMs: 500 }] });
      await h.signal(machineEventsSignal, { v: 1, events: [{ ...state('h3', now - 30_000, 'setup'), line }] });
      // B's first event (running again 1 s into B) arrives before A's end, as a bridge would signal-with-start it.
      const hb = await temporal.env.client.workflow.signalWithStart(shiftWorkflow, {
        taskQueue, workflowId: `shift:plant1:${line}:test:B`, args: [{ shift: b, lateGraceMs: 500 }],
        signal: machineEventsSignal, signalArgs: [{ v: 1, events: [{ ...state('h4', now + 4_000, 'running'), line }] }],
      });
      await resultOf(h, 'shift A', UNIT_WAIT_MS);
      const summaryB = await resultOf(hb, 'shift B', UNIT_WAIT_MS);
      expect(summaryB.stateMs).toEqual({ setup: 1_000, running: 3_000 });
    });
  });
});
