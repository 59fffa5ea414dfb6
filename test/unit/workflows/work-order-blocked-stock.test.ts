import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { InspectionCharacteristic } from '../../../contracts/messages/inspection.js';
import type { WorkOrderStatus } from '../../../contracts/messages/work-order-status.js';
import {
  cancelOrderUpdate, completeOrderSignal, erpOrderClosedSignal, labResultUpdate, productionDeltasSignal, resumeOrderUpdate, qualityDispositionUpdate, qualityHoldUpdate, retryPostingSignal, statusQuery,
} from '../../../workflows/definitions.js';
import { eventually } from '../../helpers/eventually.js';
import { resultOf, UNIT_WAIT_MS } from '../../helpers/workflow-result.js';
import { client, fakeActivities, qualityFixtures, release, useTemporal, withPolicyOrder, withWorker } from './work-order-harness.js';
import { workOrderWorkflow } from '../../../workflows/work-order.js';

// Blocked stock under interleavings a plant meets: a disposition while a confirmation waits for a person, and the
// books the ERP then holds. Every scenario ends with the stock invariants of docs/quality.md ("Blocked stock").
useTemporal();

const { temp, delta } = qualityFixtures();
const oven = InspectionCharacteristic.parse({
  code: 'oven-temp', description: 'Oven temperature', line: 'line-2', material: 'BRACKET-A', operation: '0010', machine: 'oven-1', tag: 'temperature',
  unit: 'CEL', target: 180, lowerLimit: 175, upperLimit: 185, reaction: 'hold-continue', blockedStock: true,
});
const status = (h: { query: (q: typeof statusQuery) => Promise<WorkOrderStatus> }) => h.query(statusQuery);
const kinds = (movements: Movements) => movements.filter((m) => m.kind !== '261' && m.kind !== '262').map((m) => `${m.kind} ${m.items[0]?.quantity ?? ''}`.trim());

/**
 * 5 counted and held into blocked stock, released (343: in unrestricted stock ahead of their confirmation), then 3 of
 * them held again (the only unconfirmed units): moved back by 344. Answers the second hold's status.
 */
async function heldAgain(h: WorkflowHandle<typeof workOrderWorkflow>, movements: Movements): Promise<WorkOrderStatus> {
  await h.signal(productionDeltasSignal, delta(5));
  await eventually(async () => ((await status(h)).good === 5 ? true : undefined), 'counted');
  const first = await h.executeUpdate(qualityHoldUpdate, { args: [{ quantity: 5, defectText: 'dented', requestedBy: 'op', blockedStock: true }] });
  await eventually(async () => (movements.some((m) => m.kind === '101-blocked') ? true : undefined), 'received blocked');
  await h.executeUpdate(qualityDispositionUpdate, { args: [{ holdId: first.qualityHolds[0]!.id, decision: 'release', requestedBy: 'qa' }] });
  await eventually(async () => ((await status(h)).receivedAhead === 5 ? true : undefined), 'released ahead');
  const second = await h.executeUpdate(qualityHoldUpdate, { args: [{ quantity: 3, defectText: 'cracks found on a second look', requestedBy: 'qa', blockedStock: true }] });
  await eventually(async () => ((await status(h)).qualityHolds[1]!.blockedStock!.received === 3 ? true : undefined), 'the second in blocked stock');
  return second;
}

/** An activity that waits for `open()` before it answers: the posting is in flight meanwhile. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => { open = r; });
  let entered = 0;
  return { open, opened, get entered() { return entered; }, enter: () => { entered += 1; return opened; } };
}

type Movements = ReturnType<typeof fakeActivities>['movements'];

/**
 * The ERP's books against the order: every unit received once (101 minus 102, either stock, equals the confirmed
 * yield plus the units still blocked, scrapped out of blocked stock or released ahead of their confirmation), and the
 * blocked balance equals what the holds keep blocked.
 */
function expectBooksBalance(movements: Movements, s: WorkOrderStatus): void {
  const sum = (...kinds: string[]) => movements.filter((m) => kinds.includes(m.kind)).reduce((n, m) => n + Number(m.items[0]!.quantity), 0);
  const received = sum('101', '101-blocked') - sum('102', '102-blocked');
  const blocked = sum('101-blocked', '344', '556') - sum('102-blocked', '343', '555');
  const holdsBlocked = s.qualityHolds.reduce((n, h) => n + (h.blockedStock?.settled === null ? h.blockedStock.received : 0), 0);
  const scrappedOut = s.qualityHolds.reduce((n, h) => n + (h.blockedStock?.settled === 'scrapped' ? h.blockedStock.received : 0), 0);
  expect({ received, blocked }).toEqual({ received: s.confirmedGood + holdsBlocked + scrappedOut + (s.receivedAhead ?? 0), blocked: holdsBlocked });
  // In stock and unconfirmed (released ahead, or blocked and not scrapped) are units counted good and not confirmed:
  // no more, or a unit was received twice.
  const blockedGood = s.qualityHolds.reduce((n, h) => n + (h.blockedStock?.settled === null && h.disposition !== 'scrap' ? h.blockedStock.received : 0), 0);
  expect((s.receivedAhead ?? 0) + blockedGood).toBeLessThanOrEqual(s.good - s.confirmedGood);
}

describe('workOrderWorkflow blocked stock, interleaved', () => {
  it('keeps a released hold\'s units out of a confirmation retried before their 343: no unit is received twice', async () => {
    const { movements, activities } = fakeActivities({ rejectFirst: false });
    // The ERP refuses the first backflush (a component short in stock): the confirmation waits for a person.
    let refused = false;
    const postGoodsIssue = activities.postGoodsIssue;
    activities.postGoodsIssue = async (input) => {
      if (!refused) {
        refused = true;
        throw ApplicationFailure.nonRetryable('Deficit of unrestricted stock for movement 261 (M7 021)', 'ErpRejected');
      }
      return postGoodsIssue(input);
    };
    await withPolicyOrder(activities, 'blocked-retry-1', '15', { partialEvery: 10, goodsReceipt: true }, async (h) => {
      await h.signal(productionDeltasSignal, delta(5));
      await eventually(async () => ((await h.query(statusQuery)).good === 5 ? true : undefined), 'counted');
      const held = await h.executeUpdate(qualityHoldUpdate, { args: [{ quantity: 5, defectText: 'dented', requestedBy: 'op', blockedStock: true }] });
      await eventually(async () => (movements.some((m) => m.kind === '101-blocked') ? true : undefined), 'received blocked');
      await h.signal(productionDeltasSignal, delta(10)); // a partial of 10 is due: its 261 is refused
      await eventually(async () => ((await h.query(statusQuery)).phase === 'exception' ? true : undefined), 'the refusal parked');
      // Quality releases the hold while the confirmation waits; then the person retries.
      await h.executeUpdate(qualityDispositionUpdate, { args: [{ holdId: held.qualityHolds[0]!.id, decision: 'release', requestedBy: 'qa' }] });
      await h.signal(retryPostingSignal, { requestedBy: 'ann' });
      const result = await resultOf(h, 'its result', UNIT_WAIT_MS);
      expect(result).toMatchObject({ phase: 'confirmed', confirmedGood: 15 });
      expect(movements.filter((m) => m.kind !== '261' && m.kind !== '262').map((m) => `${m.kind} ${m.items[0]?.quantity}`)).toEqual(['101-blocked 5', '101 10', '343 5']);
      expectBooksBalance(movements, result);
    });
  });

  for (const decision of ['release', 'scrap'] as const) {
    it(`takes a ${decision} while the hold's blocked receipt is in flight and the hold grows: received once, moved out once`, async () => {
      const { movements, activities } = fakeActivities({ rejectFirst: false, characteristics: [oven] });
      const inFlight = gate();
      const postBlockedReceipt = activities.postBlockedReceipt;
      activities.postBlockedReceipt = async (input) => {
        if (inFlight.entered === 0) await inFlight.enter();
        return postBlockedReceipt(input);
      };
      await withPolicyOrder(activities, `blocked-flight-${decision}`, '1000', { partialEvery: 100, goodsReceipt: true }, async (h) => {
        await h.signal(productionDeltasSignal, delta(10, temp(180)));
        await h.signal(productionDeltasSignal, delta(4, temp(190))); // 4 held, their 101 to blocked leaves and hangs
        await eventually(async () => (inFlight.entered === 1 ? true : undefined), 'the blocked receipt in flight');
        await h.signal(productionDeltasSignal, delta(3, temp(191))); // the excursion goes on: 3 more join the hold
        const hold = await eventually(async () => (await status(h)).qualityHolds.find((x) => x.quantity === 7), 'the hold grown');
        await h.executeUpdate(qualityDispositionUpdate, { args: [{ holdId: hold.id, decision, requestedBy: 'qa' }] });
        inFlight.open();
        await eventually(async () => ((await status(h)).qualityHolds[0]!.blockedStock?.settled ? true : undefined), 'the blocked units moved out');
        await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'ann' });
        const result = await resultOf(h, 'its result', UNIT_WAIT_MS);
        expect(result).toMatchObject(decision === 'release' ? { confirmedGood: 17, confirmedScrap: 0 } : { confirmedGood: 10, confirmedScrap: 7 });
        // Only the 4 in flight were received blocked; the 3 that joined later are received (or not) like any unit.
        expect(kinds(movements)).toEqual(decision === 'release' ? ['101-blocked 4', '343 4', '101 13'] : ['101-blocked 4', '555 4', '101 10']);
        expectBooksBalance(movements, result);
      });
    });
  }

  it('carries blocked units and the units released ahead across continue-as-new', async () => {
    const { movements, activities } = fakeActivities({ rejectFirst: false });
    const taskQueue = 'wf-blocked-can';
    await withWorker(activities, taskQueue, async () => {
      const h = await client().workflow.start(workOrderWorkflow, {
        taskQueue, workflowId: 'work-order:plant1:blocked-can',
        args: [{ release: { ...release('2000301', '1000'), confirmationPolicy: { goodsReceipt: true, overdeliveryTolerancePct: 0 } }, continueAsNewAfterEvents: 3 }],
      });
      const firstRunId = h.firstExecutionRunId;
      await h.signal(productionDeltasSignal, delta(8));
      await eventually(async () => ((await status(h)).good === 8 ? true : undefined), 'counted');
      const first = await h.executeUpdate(qualityHoldUpdate, { args: [{ quantity: 5, defectText: 'dented', requestedBy: 'op', blockedStock: true }] });
      const second = await h.executeUpdate(qualityHoldUpdate, { args: [{ quantity: 2, defectText: 'scratched', requestedBy: 'op', blockedStock: true }] });
      await eventually(async () => (movements.filter((m) => m.kind === '101-blocked').length === 2 ? true : undefined), 'both received blocked');
      await h.executeUpdate(qualityDispositionUpdate, { args: [{ holdId: first.qualityHolds[0]!.id, decision: 'release', requestedBy: 'qa' }] });
      await eventually(async () => ((await status(h)).receivedAhead === 5 ? true : undefined), 'released ahead');
      await h.signal(productionDeltasSignal, delta(1));
      await h.signal(productionDeltasSignal, delta(1)); // the third event: the run continues as new
      await eventually(async () => ((await client().workflow.getHandle(h.workflowId, firstRunId).describe()).status.name === 'CONTINUED_AS_NEW' ? true : undefined), 'continue-as-new');
      expect(await status(h)).toMatchObject({ receivedAhead: 5, qualityHeld: 2, qualityHolds: [{ blockedStock: { received: 5, settled: 'released' } }, { blockedStock: { received: 2, settled: null } }] });
      await h.executeUpdate(qualityDispositionUpdate, { args: [{ holdId: second.qualityHolds[1]!.id, decision: 'scrap', requestedBy: 'qa' }] });
      await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'ann' });
      const result = await resultOf(h, 'its result', UNIT_WAIT_MS);
      expect(result).toMatchObject({ phase: 'confirmed', confirmedGood: 8, confirmedScrap: 2 });
      expect(kinds(movements)).toEqual(['101-blocked 5', '101-blocked 2', '343 5', '555 2', '101 3']);
      expectBooksBalance(movements, result);
    });
  });

  it('cancels after a release whose units a partial confirmation took: every posting back, the last first, books at zero', async () => {
    const { movements, activities } = fakeActivities({ rejectFirst: false });
    await withPolicyOrder(activities, 'blocked-cancel-partial', '1000', { partialEvery: 10, goodsReceipt: true }, async (h, confirmed) => {
      await h.signal(productionDeltasSignal, delta(6));
      await eventually(async () => ((await status(h)).good === 6 ? true : undefined), 'counted');
      const held = await h.executeUpdate(qualityHoldUpdate, { args: [{ quantity: 6, defectText: 'dented', requestedBy: 'op', blockedStock: true }] });
      await eventually(async () => (movements.some((m) => m.kind === '101-blocked') ? true : undefined), 'received blocked');
      await h.signal(productionDeltasSignal, delta(6));
      // The release and the partial it makes due come together: the 343 goes first, the partial's 101 leaves the 6 out.
      await h.executeUpdate(qualityDispositionUpdate, { args: [{ holdId: held.qualityHolds[0]!.id, decision: 'release', requestedBy: 'qa' }] });
      await confirmed(12);
      await h.executeUpdate(cancelOrderUpdate, { args: [{ reason: 'customer cancelled', requestedBy: 'ann' }] });
      const result = await resultOf(h, 'its result', UNIT_WAIT_MS);
      expect(result).toMatchObject({ phase: 'cancelled', confirmedGood: 0 });
      expect(kinds(movements)).toEqual(['101-blocked 6', '343 6', '101 6', '102 6', 'cancel', '344 6', '102-blocked 6']);
      const sum = (k: string) => movements.filter((m) => m.kind === k).reduce((n, m) => n + Number(m.items[0]?.quantity ?? 0), 0);
      expect(sum('101') + sum('101-blocked') - sum('102') - sum('102-blocked')).toBe(0);
    });
  });

  it('waits for a person after the ERP refuses a 343, posts it again under the same key, and confirms only after it', async () => {
    const { movements, activities } = fakeActivities({ rejectFirst: false });
    const tries: Array<{ postingSeq: number; items: unknown }> = [];
    const moveBlockedStock = activities.moveBlockedStock;
    activities.moveBlockedStock = async (input) => {
      tries.push({ postingSeq: input.postingSeq, items: input.items });
      if (tries.length === 1) throw ApplicationFailure.nonRetryable('M7/021 deficit of blocked stock', 'ErpRejected');
      return moveBlockedStock(input);
    };
    await withPolicyOrder(activities, 'blocked-343-refused', '10', { partialEvery: 5, goodsReceipt: true }, async (h) => {
      await h.signal(productionDeltasSignal, delta(4));
      await eventually(async () => ((await status(h)).good === 4 ? true : undefined), 'counted');
      const held = await h.executeUpdate(qualityHoldUpdate, { args: [{ quantity: 4, defectText: 'dented', requestedBy: 'op', blockedStock: true }] });
      await eventually(async () => (movements.some((m) => m.kind === '101-blocked') ? true : undefined), 'received blocked');
      await h.executeUpdate(qualityDispositionUpdate, { args: [{ holdId: held.qualityHolds[0]!.id, decision: 'release', requestedBy: 'qa' }] });
      await eventually(async () => ((await status(h)).phase === 'exception' ? true : undefined), 'the 343 refused');
      await h.signal(productionDeltasSignal, delta(6)); // the order is complete meanwhile: nothing confirmed before the 343
      await eventually(async () => ((await status(h)).good === 10 ? true : undefined), 'counted while parked');
      expect(movements.some((m) => m.kind === '101')).toBe(false);
      await h.signal(retryPostingSignal, { requestedBy: 'ann' });
      const result = await resultOf(h, 'its result', UNIT_WAIT_MS);
      expect(result).toMatchObject({ phase: 'confirmed', confirmedGood: 10 });
      expect(tries).toHaveLength(2);
      expect(tries[1]).toEqual(tries[0]);
      expect(kinds(movements)).toEqual(['101-blocked 4', '343 4', '101 6']);
      expectBooksBalance(movements, result);
    });
  });

  it('leaves blocked units blocked when the ERP closes the order, and posts nothing more', async () => {
    const { movements, activities } = fakeActivities({ rejectFirst: false });
    await withPolicyOrder(activities, 'blocked-teco', '1000', { partialEvery: 100, goodsReceipt: true }, async (h) => {
      await h.signal(productionDeltasSignal, delta(6));
      await eventually(async () => ((await status(h)).good === 6 ? true : undefined), 'counted');
      await h.executeUpdate(qualityHoldUpdate, { args: [{ quantity: 3, defectText: 'dented', requestedBy: 'op', blockedStock: true }] });
      await eventually(async () => (movements.some((m) => m.kind === '101-blocked') ? true : undefined), 'received blocked');
      await h.signal(erpOrderClosedSignal, { reason: 'technically-completed', at: '2026-01-05T09:00:00Z' });
      const result = await resultOf(h, 'its result', UNIT_WAIT_MS);
      expect(result).toMatchObject({ phase: 'closed', confirmedGood: 0, qualityHolds: [{ blockedStock: { received: 3, settled: null } }] });
      expect(kinds(movements)).toEqual(['101-blocked 3']);
      expectBooksBalance(movements, result);
    });
  });

  it('moves a paused order\'s released units out of blocked stock at once, and confirms them after the resume without a second receipt', async () => {
    const hardness = InspectionCharacteristic.parse({
      code: 'hardness', description: 'Hardness', line: 'line-2', material: 'BRACKET-A', operation: '0010', source: 'lab',
      unit: 'HRC', target: 45, lowerLimit: 40, upperLimit: 50, reaction: 'hold-pause', blockedStock: true,
    });
    const { movements, activities } = fakeActivities({ rejectFirst: false, characteristics: [hardness] });
    await withPolicyOrder(activities, 'blocked-pause', '30', { partialEvery: 5, goodsReceipt: true }, async (h, confirmed) => {
      await h.signal(productionDeltasSignal, delta(5));
      await confirmed(5);
      await h.signal(productionDeltasSignal, delta(3));
      await eventually(async () => ((await status(h)).good === 8 ? true : undefined), 'counted');
      const held = await h.executeUpdate(labResultUpdate, { args: [{ id: 'S-1', source: 'lab', characteristic: 'hardness', value: 55, unit: 'HRC', sourceTime: '2026-01-05T07:30:00Z' }] });
      expect(held).toMatchObject({ held: true, qualityHeld: 3 });
      await eventually(async () => (movements.some((m) => m.kind === '101-blocked') ? true : undefined), 'received blocked');
      await h.signal(productionDeltasSignal, delta(7)); // made while paused: no confirmation
      await h.executeUpdate(qualityDispositionUpdate, { args: [{ holdId: held.qualityHolds[0]!.id, decision: 'release', requestedBy: 'qa' }] });
      await eventually(async () => ((await status(h)).receivedAhead === 3 ? true : undefined), 'the 343 while paused');
      expect((await status(h)).confirmedGood).toBe(5);
      await h.executeUpdate(resumeOrderUpdate, { args: [{ reason: 'lab cleared', requestedBy: 'ann' }] });
      await confirmed(15);
      await h.signal(productionDeltasSignal, delta(15));
      const result = await resultOf(h, 'its result', UNIT_WAIT_MS);
      expect(result).toMatchObject({ phase: 'confirmed', confirmedGood: 30 });
      expect(kinds(movements)).toEqual(['101 5', '101-blocked 3', '343 3', '101 7', '101 15']);
      expectBooksBalance(movements, result);
    });
  });

  it('holds units released ahead again by 344, not by a second receipt: each unit received once', async () => {
    const { movements, activities } = fakeActivities({ rejectFirst: false });
    await withPolicyOrder(activities, 'blocked-again', '1000', { partialEvery: 100, goodsReceipt: true }, async (h) => {
      const second = await heldAgain(h, movements);
      await h.signal(productionDeltasSignal, delta(4)); // 4 new units, in no stock yet: received blocked
      await eventually(async () => ((await status(h)).good === 9 ? true : undefined), 'counted again');
      const third = await h.executeUpdate(qualityHoldUpdate, { args: [{ quantity: 4, defectText: 'burrs', requestedBy: 'qa', blockedStock: true }] });
      await eventually(async () => ((await status(h)).qualityHolds[2]!.blockedStock!.received === 4 ? true : undefined), 'the third received');
      expectBooksBalance(movements, await status(h));
      await h.executeUpdate(qualityDispositionUpdate, { args: [{ holdId: second.qualityHolds[1]!.id, decision: 'scrap', requestedBy: 'qa' }] });
      await h.executeUpdate(qualityDispositionUpdate, { args: [{ holdId: third.qualityHolds[2]!.id, decision: 'release', requestedBy: 'qa' }] });
      await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'ann' });
      const result = await resultOf(h, 'its result', UNIT_WAIT_MS);
      expect(result).toMatchObject({ phase: 'confirmed', confirmedGood: 6, confirmedScrap: 3 });
      expect(kinds(movements)).toEqual(['101-blocked 5', '343 5', '344 3', '101-blocked 4', '555 3', '343 4']);
      expectBooksBalance(movements, result);
      expect(result.receivedAhead ?? 0).toBe(0);
    });
  });

  it('takes a 344 of units held again back by 343 on cancellation, the last first', async () => {
    const { movements, activities } = fakeActivities({ rejectFirst: false });
    await withPolicyOrder(activities, 'blocked-again-cancel', '1000', { partialEvery: 100, goodsReceipt: true }, async (h) => {
      const second = await heldAgain(h, movements);
      await h.executeUpdate(qualityDispositionUpdate, { args: [{ holdId: second.qualityHolds[1]!.id, decision: 'release', requestedBy: 'qa' }] });
      await eventually(async () => ((await status(h)).receivedAhead === 5 ? true : undefined), 'released again');
      await h.executeUpdate(cancelOrderUpdate, { args: [{ reason: 'customer cancelled', requestedBy: 'ann' }] });
      const result = await resultOf(h, 'its result', UNIT_WAIT_MS);
      expect(result).toMatchObject({ phase: 'cancelled' });
      const seqOf = (kind: string, n = 0) => movements.filter((m) => m.kind === kind)[n]!.postingSeq;
      expect(movements.filter((m) => m.reverses !== undefined).map((m) => [m.kind, m.reverses])).toEqual([
        ['344', seqOf('343', 1)], ['343', seqOf('344')], ['344', seqOf('343')], ['102-blocked', seqOf('101-blocked')],
      ]);
    });
  });

  for (const decision of ['release', 'scrap'] as const) {
    it(`posts nothing to blocked stock for a hold decided (${decision}) before its receipt went out`, async () => {
      const { movements, notifications, activities } = fakeActivities({ rejectFirst: false });
      const inFlight = gate();
      const raiseQualityNotification = activities.raiseQualityNotification;
      activities.raiseQualityNotification = async (input) => {
        await inFlight.enter();
        return raiseQualityNotification(input);
      };
      await withPolicyOrder(activities, `blocked-before-${decision}`, '1000', { partialEvery: 100, goodsReceipt: true }, async (h) => {
        await h.signal(productionDeltasSignal, delta(6));
        await eventually(async () => ((await status(h)).good === 6 ? true : undefined), 'counted');
        const held = await h.executeUpdate(qualityHoldUpdate, { args: [{ quantity: 4, defectText: 'dented', requestedBy: 'op', blockedStock: true }] });
        await eventually(async () => (inFlight.entered === 1 ? true : undefined), 'the notification in flight');
        await h.executeUpdate(qualityDispositionUpdate, { args: [{ holdId: held.qualityHolds[0]!.id, decision, requestedBy: 'qa' }] });
        inFlight.open();
        await eventually(async () => (notifications.length === 1 ? true : undefined), 'the notification out');
        await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'ann' });
        const result = await resultOf(h, 'its result', UNIT_WAIT_MS);
        expect(result.qualityHolds[0]!.blockedStock).toEqual({ received: 0, settled: null });
        expect(kinds(movements)).toEqual([decision === 'release' ? '101 6' : '101 2']);
        expectBooksBalance(movements, result);
      });
    });
  }
});
