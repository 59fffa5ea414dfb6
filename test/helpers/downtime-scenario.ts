import { MockActivityEnvironment } from '@temporalio/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createErpPostingActivities, type QualityNotificationInput } from '../../activities/erp-postings.js';
import { shiftWorkflowId } from '../../contracts/ids.js';
import type { MachineEvent, MachineState } from '../../contracts/messages/machine-event.js';
import { TASK_QUEUE } from '../../contracts/names.js';
import { erpPostings } from '../../schema/index.js';
import { machineEventsSignal } from '../../workflows/definitions.js';
import { shiftWorkflow } from '../../workflows/shift.js';
import { startTestEngine, type TestEngine } from './engine.js';
import { resultOf } from './workflow-result.js';

// line-2 in seed/demo-plant.yaml: plant 1010, cost center CC4200.
const SITE = 'plant1';
const LINE = 'line-2';
const PLANT = '1010';
const COST_CENTER = 'CC4200';
const MIN = 60_000;

/** Runs an activity the way Temporal would: attempt after attempt until one succeeds; a non-retryable failure ends it. */
async function untilDone<I, O>(workflowId: string, fn: (input: I) => Promise<O>, input: I): Promise<{ result: O; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    const env = new MockActivityEnvironment({ attempt, workflowExecution: { workflowId, runId: 'run-1' } });
    try {
      return { result: await env.run(fn, input), attempts: attempt };
    } catch (err) {
      if ((err as { nonRetryable?: boolean }).nonRetryable) throw err;
      if (attempt > 200) throw err;
    }
  }
}

/**
 * The downtime and quality-notification acceptance scenario against one ERP (the simulator or the SAP test double):
 * 30 % of posts fail before the commit and 10 % lose their reply after it, seeded so both happen.
 */
export function downtimeScenario(erpKind: 'sim' | 's4hana', faults: { errorRate: number; replyLossRate: number; seed: number }): void {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await startTestEngine({ erp: erpKind, faults, bridge: false });
  });
  afterAll(async () => {
    await engine?.stop();
  });

  describe(`downtime and quality notifications against the ${erpKind === 'sim' ? 'ERP simulator' : 'SAP S/4HANA test double'}`, () => {
    it('posts each non-running stretch of a closed shift once to the line cost center, through faults and continue-as-new', async () => {
      const t0 = Date.now();
      // Whole seconds, so every stretch is a whole number of minutes.
      const end = Math.ceil((t0 + 4_000) / 1000) * 1000;
      const start = end - 60 * MIN;
      const at = (minBeforeEnd: number) => end - minBeforeEnd * MIN;
      let n = 0;
      const state = (machine: string, minBeforeEnd: number, s: MachineState): MachineEvent => ({
        v: 1, eventId: `${machine}:state:${n++}`, site: SITE, line: LINE, machine, tag: 'state', quality: 'good',
        sourceTime: new Date(at(minBeforeEnd)).toISOString(), kind: 'state', state: s, previous: null,
      });
      const events: MachineEvent[] = [
        // robot-1: fault 10 min, setup 5, idle 5 (two events of one idle stretch).
        state('robot-1', 60, 'running'), state('robot-1', 50, 'fault'), state('robot-1', 40, 'running'),
        state('robot-1', 30, 'setup'), state('robot-1', 25, 'idle'), state('robot-1', 22, 'idle'), state('robot-1', 20, 'running'),
        // robot-2: stopped for the last 10 minutes, open at the shift's end.
        state('robot-2', 60, 'running'), state('robot-2', 10, 'stopped'),
      ];
      // robot-3 flaps: 20 faults of one minute each, in the first 40 minutes.
      for (let m = 60; m > 20; m -= 2) events.push(state('robot-3', m, 'running'), state('robot-3', m - 1, 'fault'));
      events.push(state('robot-3', 20, 'running'));
      const expected = { records: 3 + 1 + 20, minutes: 10 + 5 + 5 + 10 + 20 };

      const date = new Date(start).toISOString().slice(0, 10);
      const workflowId = shiftWorkflowId(SITE, LINE, date, 'T');
      const shift = { site: SITE, line: LINE, date, shiftCode: 'T', startsAt: new Date(start).toISOString(), endsAt: new Date(end).toISOString() };
      const h = await engine.services.client.workflow.start(shiftWorkflow, {
        taskQueue: TASK_QUEUE, workflowId, args: [{ shift, lateGraceMs: 1_000, continueAsNewAfterEvents: 10 }],
      });
      // Out of order, in batches, with one batch delivered twice.
      const shuffled = [...events].reverse();
      for (let i = 0; i < shuffled.length; i += 7) {
        const batch = { v: 1 as const, events: shuffled.slice(i, i + 7) };
        await h.signal(machineEventsSignal, batch);
        if (i === 7) await h.signal(machineEventsSignal, batch);
      }
      const summary = await resultOf(h);
      expect(summary.downtime).toEqual({ records: expected.records, posted: expected.records, totalMinutes: String(expected.minutes), problems: [] });
      expect(summary.duplicatesDropped).toBe(7);

      // Our ledger: one row per record, all posted; the ERP holds each key exactly once.
      const rows = await engine.services.db.select().from(erpPostings).where(eq(erpPostings.workflowId, workflowId));
      expect(rows.map((r) => r.postingSeq).sort((a, b) => a - b)).toEqual(Array.from({ length: expected.records }, (_, i) => i + 1));
      for (const r of rows) {
        expect([r.postingKey, r.status, (await engine.erp.findPostings(r.postingKey, 'downtime')).length]).toEqual([r.postingKey, 'posted', 1]);
      }
      // The ERP's own books: count and minutes per cost center, nothing twice.
      const held = await engine.erp.listDowntime(PLANT);
      const documents = held.map((d) => d.document);
      expect(new Set(documents).size).toBe(documents.length);
      const perCostCenter = new Map<string, { count: number; minutes: number }>();
      for (const d of held) {
        const c = perCostCenter.get(d.costCenter ?? '?') ?? { count: 0, minutes: 0 };
        perCostCenter.set(d.costCenter ?? '?', { count: c.count + 1, minutes: c.minutes + Number(d.durationMin) });
      }
      expect(Object.fromEntries(perCostCenter)).toEqual({ [COST_CENTER]: { count: expected.records, minutes: expected.minutes } });
      expect(held.filter((d) => d.machine === 'robot-3').every((d) => d.state === 'fault' && d.durationMin === '1')).toBe(true);
      // The faults really happened, both kinds.
      expect(engine.erpFaults.counts.error).toBeGreaterThan(0);
      expect(engine.erpFaults.counts['lose-reply']).toBeGreaterThan(0);
      const first = await engine.services.client.workflow.getHandle(workflowId, h.firstExecutionRunId).describe();
      expect(first.status.name).toBe('CONTINUED_AS_NEW');
    }, 120_000);

    it('raises a quality notification through the activity exactly once, through faults', async () => {
      const acts = createErpPostingActivities({ erp: engine.erp, db: engine.services.db });
      const workflowId = `work-order:${SITE}:77${erpKind === 'sim' ? 1 : 2}0001`;
      const input: QualityNotificationInput = {
        workflowId, postingSeq: 901, erpOrderId: workflowId.split(':')[2], material: 'BRACKET-A', plant: PLANT, quantity: '12', unit: 'PC',
        defectText: 'bore diameter 10.4 mm above 10.2 mm', reportedBy: 'MES_COMM',
      };
      const counts = { ...engine.erpFaults.counts };
      // Many notifications, so the seeded faults hit some of them before and after the commit.
      const results = [];
      for (let seq = 901; seq <= 915; seq++) results.push(await untilDone(workflowId, acts.raiseQualityNotification, { ...input, postingSeq: seq }));
      expect(results.some((r) => r.attempts > 1)).toBe(true);
      expect(engine.erpFaults.counts['lose-reply']).toBeGreaterThan(counts['lose-reply']);
      for (const { result } of results) {
        expect(await engine.erp.findPostings(result.postingKey, 'quality-notification')).toEqual([{ document: result.document, postingKey: result.postingKey }]);
      }
      // Once more for a key that is already there: the ledger says posted, the look-up finds it, nothing new.
      const again = await untilDone(workflowId, acts.raiseQualityNotification, input);
      expect(again.result).toMatchObject({ document: results[0]!.result.document, replayed: true });
      expect(await engine.erp.findPostings(again.result.postingKey)).toHaveLength(1);
    }, 120_000);

    it('gives ErpRejected with the ERP words when the ERP refuses a quality notification', async () => {
      engine.erpFaults.set({ ...faults, errorRate: 0, replyLossRate: 0, rejectMaterials: ['SCREW-M6'] });
      const acts = createErpPostingActivities({ erp: engine.erp, db: engine.services.db });
      const workflowId = `work-order:${SITE}:77${erpKind === 'sim' ? 1 : 2}0002`;
      const err = await untilDone(workflowId, acts.raiseQualityNotification, {
        workflowId, postingSeq: 1, material: 'SCREW-M6', plant: PLANT, quantity: '3', unit: 'PC', defectText: 'thread damaged', reportedBy: 'MES_COMM',
      }).then(() => new Error('not refused'), (e: unknown) => e as Error & { type?: string });
      expect(err).toMatchObject({ type: 'ErpRejected', nonRetryable: true });
      expect(err.message).toMatch(/Material SCREW-M6 is not maintained for quality management in plant 1010/);
      const [row] = await engine.services.db.select().from(erpPostings).where(eq(erpPostings.workflowId, workflowId));
      expect(row).toMatchObject({ status: 'rejected' });
      expect(await engine.erp.findPostings(row!.postingKey)).toEqual([]);
      engine.erpFaults.set(faults);
    }, 60_000);
  });
}
