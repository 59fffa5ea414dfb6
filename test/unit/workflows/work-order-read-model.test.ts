import { describe, expect, it } from 'vitest';
import type { ReadModelWrite } from '../../../activities/read-model.js';
import type { WorkOrderStatus } from '../../../contracts/messages/work-order-status.js';
import { completeOrderSignal, holdOrderUpdate, productionCountsSignal, resumeOrderUpdate } from '../../../workflows/definitions.js';
import { READ_MODEL_EVERY_MS } from '../../../workflows/read-model-writer.js';
import { workOrderWorkflow } from '../../../workflows/work-order.js';
import { client, ev, fakeActivities, recordHistory, release, useTemporal, withWorker } from './work-order-harness.js';
import { eventually } from '../../helpers/eventually.js';
import { resultOf, UNIT_WAIT_MS } from '../../helpers/workflow-result.js';

// The live read model (workflows/read-model-writer.ts): counts are written at most once per interval of workflow
// time and always once more after they stop; anything else is written at once.
useTemporal();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('workOrderWorkflow read model', () => {
  it('writes a stream of counts throttled, a last time when they stop, and a planner command at once', async () => {
    const { activities } = fakeActivities({ rejectFirst: false });
    const writes: Array<{ s: WorkOrderStatus; w: ReadModelWrite; at: number }> = [];
    activities.upsertWorkOrder = async (s, w = {}) => void writes.push({ s, w, at: Date.now() });
    const taskQueue = 'wf-read-model';
    await withWorker(activities, taskQueue, async () => {
      const h = await client().workflow.start(workOrderWorkflow, {
        taskQueue, workflowId: 'work-order:plant1:read-model-1', args: [{ release: release('2000050', '1000') }],
      });
      // The released order's row first: a signal sent before the run's first task would find it running already
      // (seen under load), and this test is about what follows.
      await eventually(async () => (writes.length > 0 ? true : undefined), 'the released order written', UNIT_WAIT_MS);
      const t0 = Date.now();
      // 40 batches over about 4 s: one a signal, as the relay sends them (at most every 50 ms).
      for (let i = 0; i < 40; i++) {
        await h.signal(productionCountsSignal, { v: 1, events: [ev(`c${i}`, 2, i % 4 === 0 ? 1 : 0)] });
        await sleep(100);
      }
      const countsFor = Date.now() - t0;
      await sleep(READ_MODEL_EVERY_MS + 1_000);
      const last = writes.at(-1)!;
      expect(last.s).toMatchObject({ phase: 'running', good: 80, scrap: 10 });
      expect(last.w.countsOnly).toBe(true);
      // Throttled: counts-only writes are an interval of workflow time apart; far fewer writes than signals.
      const asOf = writes.map((x) => Date.parse(x.w.asOf!));
      // Between two counts-only writes; the main loop's own flush after a phase write may follow it closely (seen once
      // under load: 6 ms), which is not a counts write.
      const countsOnly = writes.flatMap((x, i) => (x.w.countsOnly ? [asOf[i]!] : []));
      for (let i = 1; i < countsOnly.length; i++) expect(countsOnly[i]! - countsOnly[i - 1]!).toBeGreaterThanOrEqual(READ_MODEL_EVERY_MS);
      expect(writes.length).toBeLessThanOrEqual(3 + Math.ceil(countsFor / READ_MODEL_EVERY_MS));
      expect(writes.filter((x) => !x.w.countsOnly).map((x) => x.s.phase)).toEqual(['released', 'running']);
      // A planner's hold is in the read model by the time the update has answered.
      const before = writes.length;
      await h.executeUpdate(holdOrderUpdate, { args: [{ reason: 'tool change', requestedBy: 'ann' }] });
      await sleep(200);
      expect(writes.slice(before).map((x) => x.s.held)).toEqual([true]);
      // The final phases are written too, the last one last.
      await h.executeUpdate(resumeOrderUpdate, { args: [{ reason: 'tool ready', requestedBy: 'ann' }] });
      await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'ann' });
      expect(await resultOf(h, 'its result', UNIT_WAIT_MS)).toMatchObject({ phase: 'confirmed', good: 80 });
      expect(writes.filter((x) => !x.w.countsOnly).map((x) => x.s.phase).slice(-2)).toEqual(['confirming', 'confirmed']);
      expect(writes.at(-1)!.s).toMatchObject({ phase: 'confirmed', confirmedGood: 80, held: false });
      await recordHistory(h, 'work-order-live-read-model.json');
    });
  });
});
