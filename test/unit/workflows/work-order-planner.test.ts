import { describe, expect, it } from 'vitest';
import {
  cancelOrderUpdate,
  completeOrderSignal,
  holdOrderUpdate,
  productionCountsSignal,
  qualityDispositionUpdate,
  qualityHoldUpdate,
  resumeOrderUpdate,
  statusQuery,
} from '../../../workflows/definitions.js';
import { workOrderWorkflow } from '../../../workflows/work-order.js';
import { client, ev, fakeActivities, recordHistory, release, useTemporal, withPolicyOrder, withWorker } from './work-order-harness.js';
import { resultOf, UNIT_WAIT_MS } from '../../helpers/workflow-result.js';

// Planner and quality commands (updates) against a real Temporal dev server: hold and resume, cancellation with and
// without postings to take back, quality hold and disposition.
useTemporal();

describe('workOrderWorkflow', () => {
  it('holds a planner command: no confirmation while held, confirms after resume; refuses bad commands', async () => {
    const { posted, activities } = fakeActivities({ rejectFirst: false });
    const taskQueue = 'wf-hold';
    await withWorker(activities, taskQueue, async () => {
      const h = await client().workflow.start(workOrderWorkflow, {
        taskQueue, workflowId: 'work-order:plant1:hold-1', args: [{ release: release('2000010', '10') }],
      });
      const refused = await h.executeUpdate(resumeOrderUpdate, { args: [{ reason: 'x', requestedBy: 'ann' }] }).catch((e: Error) => e);
      expect((refused as Error & { cause?: Error }).cause?.message).toMatch(/not held/);
      const held = await h.executeUpdate(holdOrderUpdate, { args: [{ reason: 'tool change', requestedBy: 'ann' }] });
      expect(held).toMatchObject({ held: true, phase: 'released' });
      await h.signal(productionCountsSignal, { v: 1, events: [ev('a', 10)] });
      expect(await h.query(statusQuery)).toMatchObject({ good: 10, phase: 'running', held: true });
      expect(posted).toHaveLength(0);
      await h.executeUpdate(resumeOrderUpdate, { args: [{ reason: 'done', requestedBy: 'ann' }] });
      expect(await resultOf(h, 'its result', UNIT_WAIT_MS)).toMatchObject({ phase: 'confirmed', good: 10, held: false });
      await recordHistory(h, 'work-order-held-then-resumed.json');
      // The run has completed: an update to it is refused by the server.
      await expect(h.executeUpdate(cancelOrderUpdate, { args: [{ reason: 'x', requestedBy: 'ann' }] })).rejects.toThrow();
    });
  });

  it('cancels an open order without posting anything to the ERP', async () => {
    const { posted, activities } = fakeActivities({ rejectFirst: false });
    const taskQueue = 'wf-cancel';
    await withWorker(activities, taskQueue, async () => {
      const h = await client().workflow.start(workOrderWorkflow, {
        taskQueue, workflowId: 'work-order:plant1:cancel-1', args: [{ release: release('2000011', '100') }],
      });
      await h.signal(productionCountsSignal, { v: 1, events: [ev('a', 3)] });
      const cancelled = await h.executeUpdate(cancelOrderUpdate, { args: [{ reason: 'ERP order deleted', requestedBy: 'ann' }] });
      expect(cancelled).toMatchObject({ phase: 'cancelled', good: 3 });
      expect(await resultOf(h, 'its result', UNIT_WAIT_MS)).toMatchObject({ phase: 'cancelled' });
      expect(posted).toHaveLength(0);
    });
  });

  it('cancels an order with partial confirmations by taking every posting back, the last first', async () => {
    const { posted, movements, activities } = fakeActivities({ rejectFirst: false });
    await withPolicyOrder(activities, 'cancel-2', '300', { partialEvery: 100, goodsReceipt: true }, async (h, confirmed) => {
      await h.signal(productionCountsSignal, { v: 1, events: [ev('a', 100, 2)] });
      await confirmed(100);
      await h.signal(productionCountsSignal, { v: 1, events: [ev('b', 120, 1)] });
      await confirmed(220);
      const cancelled = await h.executeUpdate(cancelOrderUpdate, { args: [{ reason: 'customer order withdrawn', requestedBy: 'ann' }] });
      expect(cancelled).toMatchObject({ phase: 'cancelled', good: 220, confirmedGood: 0, confirmedScrap: 0 });
      expect(posted.map((p) => [p.postingSeq, p.yieldQty])).toEqual([[2, '100'], [6, '120']]);
      // Posted: 261 #3, conf #2, 101 #5, then 261 #7, conf #6, 101 #9 (4 and 8 are kept for compensations); taken back
      // in exactly the reverse order, each under a sequence of its own.
      expect(movements.map((m) => [m.kind, m.postingSeq, m.reverses ?? m.goodsIssueSeq ?? null])).toEqual([
        ['261', 3, null], ['101', 5, null], ['261', 7, null], ['101', 9, null],
        ['102', 10, 9], ['cancel', 11, 6], ['262', 12, 7], ['102', 13, 5], ['cancel', 14, 2], ['262', 15, 3],
      ]);
      const items = (seq: number) => movements.find((m) => m.postingSeq === seq)!.items;
      expect([items(10), items(12)]).toEqual([items(9), items(7)]);
      await recordHistory(h, 'work-order-cancelled-after-partials.json');
    });
  });

  it('keeps quality-held units out of every confirmation, tells the ERP once, and confirms them after the disposition', async () => {
    const { posted, notifications, activities } = fakeActivities({ rejectFirst: false });
    await withPolicyOrder(activities, 'quality-1', '100', { partialEvery: 45, goodsReceipt: false }, async (h, confirmed) => {
      await h.signal(productionCountsSignal, { v: 1, events: [ev('a', 30)] });
      const tooMuch = await h.executeUpdate(qualityHoldUpdate, { args: [{ quantity: 31, defectText: 'burr', requestedBy: 'qa' }] }).catch((e: Error) => e);
      expect(String((tooMuch as Error & { cause?: Error }).cause?.message)).toMatch(/more than the 30 PC counted good/);
      const held = await h.executeUpdate(qualityHoldUpdate, { args: [{ quantity: 12, defectText: 'bore 10.32 mm over 10.30', requestedBy: 'quality.inspector.1' }] });
      expect(held).toMatchObject({ qualityHeld: 12, qualityHolds: [{ quantity: 12, disposition: null, heldAt: expect.stringMatching(/^\d{4}-/) }] });
      const holdId = held.qualityHolds[0]!.id;
      await h.signal(productionCountsSignal, { v: 1, events: [ev('b', 30)] }); // 60 counted, 48 confirmable: a partial of 48
      await confirmed(48);
      await h.signal(productionCountsSignal, { v: 1, events: [ev('c', 40)] }); // 100 counted, 12 held: 40 confirmable (below 45), and the order waits for the disposition
      await new Promise((r) => setTimeout(r, 500));
      expect(await h.query(statusQuery)).toMatchObject({ phase: 'running', good: 100, confirmedGood: 48, qualityHeld: 12 });
      const decided = await h.executeUpdate(qualityDispositionUpdate, { args: [{ holdId, decision: 'scrap', requestedBy: 'qa' }] });
      expect(decided).toMatchObject({ good: 88, scrap: 12, qualityHeld: 0 });
      await expect(h.executeUpdate(qualityDispositionUpdate, { args: [{ holdId, decision: 'release', requestedBy: 'qa' }] })).rejects.toThrow();
      await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'ann' });
      expect(await resultOf(h, 'its result', UNIT_WAIT_MS)).toMatchObject({ phase: 'confirmed', good: 88, scrap: 12, confirmedGood: 88, confirmedScrap: 12 });
      expect(posted.map((p) => [p.yieldQty, p.scrapQty, p.isFinal])).toEqual([['48', '0', false], ['40', '12', true]]);
      expect(notifications.map((n) => [n.postingSeq, n.quantity, n.reportedBy, n.defectText])).toEqual([[holdId, '12', 'quality.insp', 'bore 10.32 mm over 10.30']]);
      await recordHistory(h, 'work-order-quality-hold-scrapped.json');
    });
  });
});
