import { describe, expect, it } from 'vitest';
import { plantDate } from '../../../contracts/plant-date.js';
import { completeOrderSignal, productionCountsSignal, retryPostingSignal, statusQuery } from '../../../workflows/definitions.js';
import { workOrderWorkflow } from '../../../workflows/work-order.js';
import { resultOf, UNIT_WAIT_MS } from '../../helpers/workflow-result.js';
import { client, ev, fakeActivities, release, useTemporal, withWorker } from './work-order-harness.js';

// Issue 18 item 3: PostingDate was today's UTC date at the time of each attempt. It is the plant's date, fixed when the
// confirmation is decided, and a retry keeps it.
useTemporal();

describe('work order posting date', () => {
  it('posts every step of a confirmation under the plant\'s date, decided once and kept on a retry', async () => {
    // A plant whose date differs from UTC's right now: UTC+14 from 10:00 UTC on (already tomorrow), UTC-10 before it
    // (still yesterday); a UTC date here would be the bug.
    const timezone = new Date().getUTCHours() >= 10 ? 'Pacific/Kiritimati' : 'Pacific/Honolulu';
    const { activities } = fakeActivities({ rejectFirst: true });
    const dates: Array<[string, string | undefined]> = [];
    const base = { ...activities };
    const load = base.loadOrderContext;
    Object.assign(activities, {
      loadOrderContext: async (input: Parameters<typeof load>[0]) => ({ ...(await load(input)), timezone }),
      postGoodsIssue: async (input: Parameters<typeof base.postGoodsIssue>[0]) => (dates.push(['261', input.postingDate]), base.postGoodsIssue(input)),
      reverseGoodsIssue: async (input: Parameters<typeof base.reverseGoodsIssue>[0]) => (dates.push(['262', input.postingDate]), base.reverseGoodsIssue(input)),
      postConfirmation: async (input: Parameters<typeof base.postConfirmation>[0]) => (dates.push(['confirmation', input.postingDate]), base.postConfirmation(input)),
    });
    const decidedAround = Date.now();
    await withWorker(activities, 'wf-posting-date', async () => {
      const h = await client().workflow.start(workOrderWorkflow, {
        taskQueue: 'wf-posting-date', workflowId: 'work-order:plant1:posting-date-1', args: [{ release: release('2000031', '100') }],
      });
      await h.signal(productionCountsSignal, { v: 1, events: [ev('a', 40)] });
      await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'alice' });
      for (let i = 0; i < 100 && (await h.query(statusQuery)).phase !== 'exception'; i++) await new Promise((r) => setTimeout(r, 50));
      // Refused once (the fake ERP's lock), retried by a person: the same date on the retry.
      await h.signal(retryPostingSignal, { requestedBy: 'alice' });
      expect(await resultOf(h, 'its result', UNIT_WAIT_MS)).toMatchObject({ phase: 'confirmed', confirmedGood: 40 });
    });
    const expected = plantDate(decidedAround, timezone);
    expect(expected).not.toBe(new Date(decidedAround).toISOString().slice(0, 10));
    expect(dates.map(([kind]) => kind)).toEqual(['261', 'confirmation', '262', '261', 'confirmation']);
    expect(new Set(dates.map(([, d]) => d))).toEqual(new Set([expected]));
  });
});
