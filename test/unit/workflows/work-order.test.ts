import { describe, expect, it } from 'vitest';
import { completeOrderSignal, productionCountsSignal, retryPostingSignal, statusQuery } from '../../../workflows/definitions.js';
import { workOrderWorkflow } from '../../../workflows/work-order.js';
import { client, ev, fakeActivities, recordHistory, release, useTemporal, withPolicyOrder, withWorker } from './work-order-harness.js';
import { resultOf, UNIT_WAIT_MS } from '../../helpers/workflow-result.js';

// Confirmations against a real Temporal dev server, with the activities replaced by a typed plain object: the final and
// partial ones, continue-as-new on the way, and ERP refusals parked for a person. Planner commands: work-order-planner.test.ts.
useTemporal();

describe('workOrderWorkflow', () => {
  it('continues as new with its counts and seen ids, and confirms the full quantity once', async () => {
    const { posted, movements, activities } = fakeActivities({ rejectFirst: false });
    const taskQueue = 'wf-can';
    await withWorker(activities, taskQueue, async () => {
      const h = await client().workflow.start(workOrderWorkflow, {
        taskQueue, workflowId: 'work-order:plant1:can-1', args: [{ release: release('2000001', '300'), continueAsNewAfterEvents: 50 }],
      });
      const firstRunId = h.firstExecutionRunId;
      for (let i = 0; i < 290; i += 10) {
        const events = Array.from({ length: 10 }, (_, j) => ev(`e${i + j}`));
        await h.signal(productionCountsSignal, { v: 1, events });
        if (i >= 10) await h.signal(productionCountsSignal, { v: 1, events: [ev(`e${i - 5}`)] }); // redelivery across runs
      }
      const mid = await h.query(statusQuery);
      expect(mid).toMatchObject({ good: 290, eventsApplied: 290, duplicatesDropped: 28, phase: 'running' });
      await h.signal(productionCountsSignal, { v: 1, events: Array.from({ length: 10 }, (_, j) => ev(`f${j}`)) });
      const result = await resultOf(h, 'its result', UNIT_WAIT_MS);
      expect(result).toMatchObject({ phase: 'confirmed', good: 300, confirmationDocument: '4900000001' });
      const first = await client().workflow.getHandle(h.workflowId, firstRunId).describe();
      expect(first.status.name).toBe('CONTINUED_AS_NEW');
      expect(posted).toHaveLength(1);
      expect(posted[0]).toMatchObject({ postingSeq: 1, yieldQty: '300', scrapQty: '0', isFinal: true });
      expect(movements).toEqual([{ kind: '261', postingSeq: 2, items: [
        { material: 'SHEET-2MM', quantity: '75', unit: 'KG' }, { material: 'SCREW-M6', quantity: '1200', unit: 'PC' }] }]);
    });
  });

  it('parks an ERP rejection as an exception a person resolves, then posts under the same key', async () => {
    const { posted, movements, activities } = fakeActivities({ rejectFirst: true });
    const taskQueue = 'wf-reject';
    await withWorker(activities, taskQueue, async () => {
      const h = await client().workflow.start(workOrderWorkflow, {
        taskQueue, workflowId: 'work-order:plant1:reject-1', args: [{ release: release('2000002', '100') }],
      });
      await h.signal(productionCountsSignal, { v: 1, events: [ev('a', 40, 2), ev('b', 30)] });
      await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'alice' });
      let status = await h.query(statusQuery);
      for (let i = 0; i < 100 && status.phase !== 'exception'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        status = await h.query(statusQuery);
      }
      expect(status).toMatchObject({ phase: 'exception', exception: 'order 1000 is locked by user BOB' });
      await h.signal(retryPostingSignal, { requestedBy: 'alice' });
      expect(await resultOf(h, 'its result', UNIT_WAIT_MS)).toMatchObject({ phase: 'confirmed', good: 70, scrap: 2, exception: null });
      expect(posted.map((p) => p.postingSeq)).toEqual([1, 1]);
      // The refused confirmation's backflush is reversed (262 of 261 seq 2), the retry issues under new numbers.
      expect(movements.map((m) => [m.kind, m.postingSeq, m.goodsIssueSeq])).toEqual([['261', 2, undefined], ['262', 3, 2], ['261', 4, undefined]]);
      expect(movements[1]!.items).toEqual(movements[0]!.items);
      await recordHistory(h, 'work-order-rejected-then-confirmed.json');
    });
  });

  it('parks a refused reversal for a person too, instead of failing the order, then reverses and parks the refusal', async () => {
    const { movements, activities } = fakeActivities({ rejectFirst: true, rejectFirstReversal: true });
    await withWorker(activities, 'wf-reject-reversal', async () => {
      const h = await client().workflow.start(workOrderWorkflow, {
        taskQueue: 'wf-reject-reversal', workflowId: 'work-order:plant1:reject-2', args: [{ release: release('2000012', '100') }],
      });
      await h.signal(productionCountsSignal, { v: 1, events: [ev('a', 40, 2)] });
      await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'alice' });
      const parked = async (exception: string) => {
        for (let i = 0; i < 100 && (await h.query(statusQuery)).exception !== exception; i++) await new Promise((r) => setTimeout(r, 50));
        expect(await h.query(statusQuery)).toMatchObject({ phase: 'exception', exception });
      };
      await parked('posting period 2026/01 is closed');
      await h.signal(retryPostingSignal, { requestedBy: 'alice' });
      await parked('order 1000 is locked by user BOB');
      await h.signal(retryPostingSignal, { requestedBy: 'alice' });
      expect(await resultOf(h, 'its result', UNIT_WAIT_MS)).toMatchObject({ phase: 'confirmed', good: 40, confirmedGood: 40 });
      expect(movements.map((m) => [m.kind, m.postingSeq])).toEqual([['261', 2], ['refused-262', 3], ['262', 3], ['261', 4]]);
    });
  });

  it('confirms partially every N units with backflush and goods receipt, then the rest at completion', async () => {
    const { posted, movements, activities } = fakeActivities({ rejectFirst: false });
    await withPolicyOrder(activities, 'partial-1', '250', { partialEvery: 100, goodsReceipt: true }, async (h, confirmed) => {
      await h.signal(productionCountsSignal, { v: 1, events: [ev('a', 60), ev('b', 50, 3)] }); // 110: partial
      await confirmed(110);
      await h.signal(productionCountsSignal, { v: 1, events: [ev('c', 40)] }); // 150
      await h.signal(productionCountsSignal, { v: 1, events: [ev('d', 60)] }); // 210: partial of 100
      await confirmed(210);
      await h.signal(productionCountsSignal, { v: 1, events: [ev('e', 40, 1)] }); // 250: final of 40
      const done = await resultOf(h, 'its result', UNIT_WAIT_MS);
      expect(done).toMatchObject({ phase: 'confirmed', good: 250, confirmedGood: 250, confirmedScrap: 4 });
      expect(posted.map((p) => [p.postingSeq, p.yieldQty, p.isFinal])).toEqual([[2, '110', false], [6, '100', false], [1, '40', true]]);
      expect(posted.map((p) => p.check?.confirmedBefore)).toEqual([0, 110, 210]);
      const receipts = movements.filter((m) => m.kind === '101').map((m) => m.items[0]!.quantity);
      expect(receipts).toEqual(['110', '100', '40']);
      const screws = movements.filter((m) => m.kind === '261').map((m) => m.items.find((i) => i.material === 'SCREW-M6')!.quantity);
      expect(screws).toEqual(['440', '400', '160']);
      const keys = [...posted.map((p) => p.postingSeq), ...movements.map((m) => m.postingSeq)];
      expect(new Set(keys).size).toBe(keys.length);
      await recordHistory(h, 'work-order-partials-with-goods-receipt.json');
    });
  });

  it('confirms partially by time, only when something was counted since the last confirmation', async () => {
    const { posted, activities } = fakeActivities({ rejectFirst: false });
    await withPolicyOrder(activities, 'period-1', '100', { partialEveryMinutes: 0.01, goodsReceipt: false }, async (h, confirmed) => {
      await h.signal(productionCountsSignal, { v: 1, events: [ev('a', 30)] });
      await confirmed(30);
      await new Promise((r) => setTimeout(r, 1_500)); // two periods with nothing counted: no empty partials
      await h.signal(productionCountsSignal, { v: 1, events: [ev('b', 20)] });
      await confirmed(50);
      await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'alice' });
      expect(await resultOf(h, 'its result', UNIT_WAIT_MS)).toMatchObject({ phase: 'confirmed', confirmedGood: 50 });
      expect(posted.map((p) => [p.yieldQty, p.isFinal])).toEqual([['30', false], ['20', false], ['0', true]]);
    });
  });

});
