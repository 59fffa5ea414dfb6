import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { DefaultLogger, Worker, type WorkflowBundle } from '@temporalio/worker';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../../activities/index.js';
import type { MachineDeltas } from '../../../contracts/messages/outbox-delta.js';
import { startTemporal, type TemporalServer } from '../../../stack/temporal.js';
import { installTemporalRuntime } from '../../../workers/wiring/temporal-runtime.js';
import { bundleMesWorkflows } from '../../../workers/wiring/temporal-worker.js';
import { workflowSpanSinks } from '../../../workers/wiring/temporal-tracing.js';
import { machineDeltasSignal } from '../../../workflows/definitions.js';
import { shiftWorkflow } from '../../../workflows/shift.js';
import { downtimeMaster } from '../../helpers/downtime-master.js';
import { at as atUtc } from '../../helpers/oee-scenario.js';
import { resultOf, UNIT_WAIT_MS } from '../../helpers/workflow-result.js';

// The shift's outbox path on a real dev server: counters summed per machine, state changes one by one, each range once
// across continue-as-new.
let temporal: TemporalServer;
let bundle: WorkflowBundle;
let dataDir: string;
beforeAll(async () => {
  installTemporalRuntime(pino({ level: 'silent' }), 'ERROR');
  dataDir = await mkdtemp(path.join(tmpdir(), 'mes-shift-deltas-'));
  [temporal, bundle] = await Promise.all([startTemporal({ dataDir }), bundleMesWorkflows(new DefaultLogger('ERROR'))]);
});
afterAll(async () => {
  await temporal?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('shiftWorkflow with outbox deltas', () => {
  it('applies each range once across continue-as-new and closes with its downtime', async () => {
    const taskQueue = 'shift-deltas';
    const activities: Pick<Activities, 'loadLineContext' | 'postDowntime' | 'nextShift' | 'upsertShiftOee'> = {
      upsertShiftOee: async () => {},
      loadLineContext: async () => ({ plant: '1010', costCenter: 'CC1000' }),
      nextShift: async () => null,
      postDowntime: async (i) => ({ document: `DT${i.postingSeq}`, postingKey: `${i.workflowId}#${i.postingSeq}`, replayed: false }),
    };
    const worker = await Worker.create({ connection: temporal.env.nativeConnection, taskQueue, workflowBundle: bundle, activities, sinks: workflowSpanSinks() });
    await worker.runUntil(async () => {
      const now = Date.now();
      const shift = { site: 'plant1', line: 'line-2', date: '2026-11-25', shiftCode: 'A', startsAt: new Date(now - 60_000).toISOString(), endsAt: new Date(now + 3_000).toISOString() };
      const h = await temporal.env.client.workflow.start(shiftWorkflow, {
        taskQueue, workflowId: 'shift:plant1:line-2:deltas:A', args: [{ shift, lateGraceMs: 1_000, continueAsNewAfterEvents: 4 }],
      });
      const firstRun = h.firstExecutionRunId;
      const d = (seq: number, good: number, states: MachineDeltas['states']): MachineDeltas => ({
        v: 1, source: 'outbox', fromSeq: seq, toSeq: seq, alarmsRaised: 0, duplicatesDropped: 0,
        machines: [{ machine: 'robot-1', good, scrap: 0, total: 0, events: 2 + states.length }], states,
      });
      const at = (ms: number) => new Date(now - ms).toISOString();
      await h.signal(machineDeltasSignal, d(1, 5, [{ machine: 'robot-1', sourceTime: at(60_000), state: 'running' }]));
      await h.signal(machineDeltasSignal, d(2, 7, [{ machine: 'robot-1', sourceTime: at(20_000), state: 'fault' }]));
      await h.signal(machineDeltasSignal, d(2, 7, [{ machine: 'robot-1', sourceTime: at(20_000), state: 'fault' }]));
      await h.signal(machineDeltasSignal, d(3, 1, []));
      const summary = await resultOf(h, 'its result', UNIT_WAIT_MS);
      expect(summary).toMatchObject({ good: 13, eventsApplied: 8, duplicatesDropped: 0 });
      expect(summary.stateMs.running).toBe(40_000);
      expect(summary.downtime).toMatchObject({ records: 1, posted: 1 });
      const first = await temporal.env.client.workflow.getHandle(h.workflowId, firstRun).describe();
      expect(first.status.name).toBe('CONTINUED_AS_NEW');
      // The first run: its deltas and the continue-as-new with a high-water mark in the carry.
      const firstHistory = await temporal.env.client.workflow.getHandle(h.workflowId, firstRun).fetchHistory();
      if (process.env.MES_RECORD_HISTORIES) await writeFile(path.join(import.meta.dirname, '../../fixtures/histories/shift-outbox-deltas.json'), historyToJSON(firstHistory));
    });
  });

  it("gives a machine that is not a counting point its own OEE from its pieces, while the line's produced count is the counting point's", async () => {
    const taskQueue = 'shift-deltas-not-counting';
    const posted: string[] = [];
    const activities: Pick<Activities, 'loadLineContext' | 'postDowntime' | 'nextShift' | 'upsertShiftOee'> = {
      upsertShiftOee: async () => {},
      loadLineContext: async () => ({
        plant: '1010',
        costCenter: 'CC4100',
        downtime: downtimeMaster(),
        // cut-1 feeds robot-1 in series: robot-1 is the line's counting point.
        machines: [
          { code: 'cut-1', costCenter: null, idealCycleTimeMs: 2_000, countingPoint: false },
          { code: 'robot-1', costCenter: null, idealCycleTimeMs: 2_000, countingPoint: true },
        ],
        plannedDowntime: [],
      }),
      nextShift: async () => null,
      postDowntime: async (i) => {
        posted.push(`${i.machine}@${i.startedAt}`);
        return { document: `DT${i.postingSeq}`, postingKey: `${i.workflowId}#${i.postingSeq}`, replayed: false };
      },
    };
    const worker = await Worker.create({ connection: temporal.env.nativeConnection, taskQueue, workflowBundle: bundle, activities, sinks: workflowSpanSinks() });
    await worker.runUntil(async () => {
      const iso = (hhmm: string) => new Date(atUtc(hhmm)).toISOString();
      const shift = { site: 'plant1', line: 'line-2', date: '2026-03-02', shiftCode: 'A', startsAt: iso('06:00'), endsAt: iso('14:00') };
      // The shift lies in the past: it closes a few seconds from now.
      const lateGraceMs = Date.now() - atUtc('14:00') + 4_000;
      const h = await temporal.env.client.workflow.start(shiftWorkflow, { taskQueue, workflowId: 'shift:plant1:line-2:not-counting:A', args: [{ shift, lateGraceMs }] });
      await h.signal(machineDeltasSignal, {
        v: 1, source: 'outbox', fromSeq: 1, toSeq: 1, alarmsRaised: 0, duplicatesDropped: 0,
        machines: [
          { machine: 'cut-1', good: 12_000, scrap: 600, total: 0, events: 5, countingPoint: false },
          { machine: 'robot-1', good: 11_400, scrap: 0, total: 0, events: 2 },
        ],
        states: [
          { machine: 'cut-1', sourceTime: iso('06:00'), state: 'running' },
          { machine: 'robot-1', sourceTime: iso('06:00'), state: 'running' },
          { machine: 'cut-1', sourceTime: iso('10:00'), state: 'fault' },
          { machine: 'cut-1', sourceTime: iso('10:30'), state: 'running' },
        ],
      });
      const summary = await resultOf(h, 'its result', UNIT_WAIT_MS);
      // cut-1 by hand: planned 8 h = 28,800 s, a 30 min fault (a breakdown) -> run 27,000 s, A = 15/16;
      // P = 2 s x 12,600 / 27,000 s = 14/15; Q = 12,000 / 12,600 = 20/21; OEE = 2 s x 12,000 / 28,800 s = 5/6.
      expect(summary.oee?.machines['cut-1']).toMatchObject({
        availability: 15 / 16, performance: 14 / 15, quality: 20 / 21, oee: 5 / 6, plannedProductionS: '28800', runS: '27000', good: 12_000, scrap: 600,
      });
      // robot-1 ran all shift: P = 2 s x 11,400 / 28,800 s = 19/24.
      expect(summary.oee?.machines['robot-1']).toMatchObject({ availability: 1, performance: 19 / 24, quality: 1, good: 11_400 });
      // The line's output is its counting point's alone: cut-1's pieces are the same pieces, counted once.
      expect(summary.oee?.line).toEqual(summary.oee?.machines['robot-1']);
      expect(summary).toMatchObject({ good: 11_400, scrap: 0, quality: 1, eventsApplied: 7 });
      expect(posted).toEqual(['cut-1@2026-03-02T10:00:00.000Z']);
    });
  });
});
