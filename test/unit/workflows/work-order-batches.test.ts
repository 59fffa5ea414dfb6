import { describe, expect, it } from 'vitest';
import { completeOrderSignal, productionCountsSignal, retryPostingSignal, statusQuery } from '../../../workflows/definitions.js';
import { workOrderWorkflow } from '../../../workflows/work-order.js';
import { resultOf, UNIT_WAIT_MS } from '../../helpers/workflow-result.js';
import { client, ev, fakeActivities, recordHistory, release, useTemporal, withWorker } from './work-order-harness.js';

useTemporal();

/** Batches on the backflush (docs/genealogy.md): chosen before the 261, given back when it is reversed, output recorded. */
describe('work order component batches', () => {
  it('posts the chosen batches on the 261 and its 262, releases them on the reversal, and records the output once confirmed', async () => {
    const { posted, movements, genealogy, activities } = fakeActivities({ rejectFirst: true, batch: 'S-A' });
    await withWorker(activities, 'wf-batches', async () => {
      const h = await client().workflow.start(workOrderWorkflow, {
        taskQueue: 'wf-batches', workflowId: 'work-order:plant1:batches-1', args: [{ release: release('2000031', '100') }],
      });
      await h.signal(productionCountsSignal, { v: 1, events: [ev('a', 40, 2)] });
      await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'alice' });
      for (let i = 0; i < 100 && (await h.query(statusQuery)).phase !== 'exception'; i++) await new Promise((r) => setTimeout(r, 50));
      await h.signal(retryPostingSignal, { requestedBy: 'alice' });
      expect(await resultOf(h, 'its result', UNIT_WAIT_MS)).toMatchObject({ phase: 'confirmed', confirmedGood: 40 });
      expect(posted.map((p) => p.postingSeq)).toEqual([1, 1]);
      // The refused confirmation's 261 (seq 2) is reversed with its batches and given back; the retry chooses anew (seq 4).
      expect(movements.map((m) => [m.kind, m.postingSeq])).toEqual([['261', 2], ['262', 3], ['261', 4]]);
      expect(movements.every((m) => m.items.every((i) => i.batch === 'S-A'))).toBe(true);
      expect(movements[0]!.items.map((i) => [i.material, i.quantity])).toEqual([['SHEET-2MM', '10'], ['SCREW-M6', '160']]);
      const key = (seq: number) => `work-order:plant1:batches-1#${seq}`;
      expect(genealogy).toEqual([`allocate ${key(2)}`, `release ${key(2)}`, `allocate ${key(4)}`, `output ${key(1)} 0+40`]);
      await recordHistory(h, 'work-order-component-batches.json');
    });
  });
});
