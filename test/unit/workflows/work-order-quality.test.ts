import { describe, expect, it } from 'vitest';
import { InspectionCharacteristic, type Measurement } from '../../../contracts/messages/inspection.js';
import {
  cancelOrderUpdate, completeOrderSignal, labResultUpdate, productionDeltasSignal, qualityDispositionUpdate, qualityHoldUpdate, resumeOrderUpdate, retryPostingSignal,
  statusQuery,
} from '../../../workflows/definitions.js';
import { AUTOMATIC_HOLDER } from '../../../workflows/work-order-quality.js';
import { eventually } from '../../helpers/eventually.js';
import { resultOf, UNIT_WAIT_MS } from '../../helpers/workflow-result.js';
import { client, fakeActivities, qualityFixtures, recordHistory, release, useTemporal, withPolicyOrder, withWorker } from './work-order-harness.js';
import { workOrderWorkflow } from '../../../workflows/work-order.js';

// Automatic quality inside the work order on a real dev server: measurements in outbox deltas and lab results hold
// the lot an out-of-spec value covers; a person releases or scraps it; run rules warn without holding.
useTemporal();

const characteristic = (over: Partial<InspectionCharacteristic> & { code: string }) => InspectionCharacteristic.parse({
  description: 'Oven temperature', line: 'line-2', material: 'BRACKET-A', operation: '0010', machine: 'oven-1', tag: 'temperature',
  unit: 'CEL', target: 180, lowerLimit: 175, upperLimit: 185, reaction: 'hold-continue', ...over,
});
const oven = characteristic({ code: 'oven-temp' });
const { temp, delta } = qualityFixtures();

describe('workOrderWorkflow with inspection characteristics', () => {
  it('holds what an excursion covers, tells the ERP once, confirms the good before and after, and the held after release', async () => {
    const { posted, notifications, qualityEvents, activities } = fakeActivities({ rejectFirst: false, characteristics: [oven, characteristic({ code: 'other-op', operation: '0020', tag: 'pressure' })] });
    await withPolicyOrder(activities, 'auto-hold-1', '1000', { partialEvery: 10, goodsReceipt: false }, async (h, confirmed) => {
      await h.signal(productionDeltasSignal, delta(20, temp(180)));
      await confirmed(20);
      await h.signal(productionDeltasSignal, delta(10, temp(186))); // out: the 10 since the last good value are held
      // The notification tells what the hold held when it was sent: wait for it before the excursion grows.
      await eventually(async () => notifications.length === 1 || undefined, 'one quality notification');
      await h.signal(productionDeltasSignal, delta(5, temp(187))); // the excursion goes on: 5 more join it
      await h.signal(productionDeltasSignal, delta(10, temp(181))); // made before the good value: they join it too
      await h.signal(productionDeltasSignal, delta(10, temp(180))); // good again: confirmable
      await confirmed(30);
      const s = await h.query(statusQuery);
      expect(s).toMatchObject({ good: 55, qualityHeld: 25, confirmedGood: 30 });
      const hold = s.qualityHolds[0]!;
      expect(hold).toMatchObject({ quantity: 25, characteristic: 'oven-temp', open: false, requestedBy: AUTOMATIC_HOLDER, disposition: null });
      expect(hold.measurements!.map((m) => m.value)).toEqual([186, 187]);
      expect(notifications[0]).toMatchObject({ postingSeq: hold.id, quantity: '10' });
      expect(notifications[0]!.defectText).toMatch(/186 CEL above the upper limit 185/);
      expect(qualityEvents.filter((e) => e.kind === 'alert').map((e) => e.kind === 'alert' && [e.alert.holdId, e.alert.value, e.alert.quantity])).toEqual([[hold.id, 186, 10]]);
      // A value of another operation's characteristic is none of this order's business.
      await h.signal(productionDeltasSignal, delta(0, { ...temp(999), tag: 'pressure' }));
      const released = await h.executeUpdate(qualityDispositionUpdate, { args: [{ holdId: hold.id, decision: 'release', requestedBy: 'qa' }] });
      expect(released).toMatchObject({ qualityHeld: 0, good: 55 });
      await confirmed(55);
      await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'ann' });
      expect(await resultOf(h, 'its result', UNIT_WAIT_MS)).toMatchObject({ phase: 'confirmed', confirmedGood: 55, confirmedScrap: 0, qualityHolds: [{ disposition: 'release', decidedBy: 'qa' }] });
      expect(posted.reduce((n, p) => n + Number(p.yieldQty), 0)).toBe(55);
      expect(notifications).toHaveLength(1);
      await recordHistory(h, 'work-order-quality-automatic-hold.json');
    });
  });

  it('pauses the order on a lab result out of spec, refuses a repeated sample or another unit, and confirms the scrapped lot as scrap', async () => {
    const hardness = characteristic({ code: 'hardness', description: 'Hardness', source: 'lab', unit: 'HRC', target: 45, lowerLimit: 40, upperLimit: 50, reaction: 'hold-pause' });
    const { posted, activities } = fakeActivities({ rejectFirst: false, characteristics: [InspectionCharacteristic.parse({ ...hardness, machine: undefined, tag: undefined })] });
    await withPolicyOrder(activities, 'auto-hold-2', '1000', { partialEvery: 100, goodsReceipt: false }, async (h) => {
      await h.signal(productionDeltasSignal, delta(30));
      const lab = (value: number, sampleId: string, unit = 'HRC'): Measurement =>
        ({ id: sampleId, source: 'lab', characteristic: 'hardness', value, unit, sourceTime: '2026-01-05T07:30:00Z', enteredBy: 'lab.tech' });
      // An update in the run's first activation, before its characteristics are loaded, is refused with "try again".
      const held = await eventually(
        () => h.executeUpdate(labResultUpdate, { args: [lab(55, 'S-1')] }).catch((e: unknown) => {
          if (/not loaded yet/.test(String((e as Error & { cause?: Error }).cause?.message))) return undefined;
          throw e;
        }),
        'the lab result taken once the order is loaded',
      );
      expect(held).toMatchObject({ held: true, qualityHeld: 30, qualityHolds: [{ quantity: 30, characteristic: 'hardness', heldAt: expect.stringMatching(/^\d{4}-/) }] });
      const refusal = (e: unknown) => String((e as Error & { cause?: Error }).cause?.message);
      expect(refusal(await h.executeUpdate(labResultUpdate, { args: [lab(45, 'S-1')] }).catch((e: unknown) => e))).toMatch(/sample S-1 was entered already/);
      expect(refusal(await h.executeUpdate(labResultUpdate, { args: [lab(45, 'S-2', 'HV')] }).catch((e: unknown) => e))).toMatch(/unit HV is not the characteristic's unit HRC/);
      expect(refusal(await h.executeUpdate(labResultUpdate, { args: [{ ...lab(45, 'S-3'), characteristic: 'nope' }] }).catch((e: unknown) => e))).toMatch(/no inspection characteristic nope/);
      const holdId = held.qualityHolds[0]!.id;
      const scrapped = await h.executeUpdate(qualityDispositionUpdate, { args: [{ holdId, decision: 'scrap', reasonCode: 'HARD', requestedBy: 'qa' }] });
      expect(scrapped).toMatchObject({ good: 0, scrap: 30, qualityHeld: 0, qualityHolds: [{ disposition: 'scrap', reasonCode: 'HARD' }] });
      await h.executeUpdate(resumeOrderUpdate, { args: [{ reason: 'lab cleared', requestedBy: 'ann' }] });
      await h.signal(productionDeltasSignal, delta(10));
      await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'ann' });
      expect(await resultOf(h, 'its result', UNIT_WAIT_MS)).toMatchObject({ phase: 'confirmed', confirmedGood: 10, confirmedScrap: 30 });
      expect(posted.map((p) => [p.yieldQty, p.scrapQty, p.isFinal])).toEqual([['10', '30', true]]);
    });
  });

  it('warns once for 8 values on one side of the center line, without a hold', async () => {
    const spc = characteristic({ code: 'oven-spc', controlRules: { baseline: 5, runLength: 8, trendLength: 6 } });
    const { qualityEvents, activities } = fakeActivities({ rejectFirst: false, characteristics: [spc] });
    await withPolicyOrder(activities, 'spc-1', '1000', { partialEvery: 1000, goodsReceipt: false }, async (h) => {
      await h.signal(productionDeltasSignal, delta(10, ...[179, 180, 181, 180, 180].map(temp)));
      await h.signal(productionDeltasSignal, delta(10, ...[180.4, 180.3, 180.5, 180.2, 180.6, 180.3, 180.4, 180.5, 180.3].map(temp)));
      await eventually(async () => qualityEvents.length > 0 || undefined, 'a run-rule warning');
      expect(qualityEvents).toHaveLength(1);
      expect(qualityEvents[0]).toMatchObject({ kind: 'warning', warning: { rule: 'run-one-side', characteristic: 'oven-spc', center: 180 } });
      expect(await h.query(statusQuery)).toMatchObject({ good: 20, qualityHeld: 0, qualityHolds: [] });
      await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'ann' });
      await resultOf(h, 'its result', UNIT_WAIT_MS);
    });
  });

  it('carries an open excursion, its marks and the lab samples across continue-as-new', async () => {
    const hardness = InspectionCharacteristic.parse({ ...characteristic({ code: 'hardness', source: 'lab', unit: 'HRC', target: 45, lowerLimit: 40, upperLimit: 50 }), machine: undefined, tag: undefined });
    const { notifications, activities } = fakeActivities({ rejectFirst: false, characteristics: [oven, hardness] });
    const taskQueue = 'wf-quality-can';
    await withWorker(activities, taskQueue, async () => {
      const h = await client().workflow.start(workOrderWorkflow, {
        taskQueue, workflowId: 'work-order:plant1:quality-can', args: [{ release: release('2000201', '1000'), continueAsNewAfterEvents: 3 }],
      });
      const firstRunId = h.firstExecutionRunId;
      await h.signal(productionDeltasSignal, delta(10, temp(180)));
      await h.signal(productionDeltasSignal, delta(4, temp(190))); // the 4 since 180 are held, the excursion stays open
      await h.executeUpdate(labResultUpdate, { args: [{ id: 'S-9', source: 'lab', characteristic: 'hardness', value: 45, unit: 'HRC', sourceTime: '2026-01-05T07:30:00Z' }] });
      await h.signal(productionDeltasSignal, delta(3)); // the third event: the run continues as new
      await eventually(async () => ((await client().workflow.getHandle(h.workflowId, firstRunId).describe()).status.name === 'CONTINUED_AS_NEW' ? true : undefined), 'continue-as-new');
      await h.signal(productionDeltasSignal, delta(5)); // in the next run: joins the open hold
      const s = await h.query(statusQuery);
      expect(s).toMatchObject({ good: 22, qualityHeld: 12, qualityHolds: [{ quantity: 12, open: true }] });
      const again = await h.executeUpdate(labResultUpdate, { args: [{ id: 'S-9', source: 'lab', characteristic: 'hardness', value: 45, unit: 'HRC', sourceTime: '2026-01-05T07:31:00Z' }] }).catch((e: unknown) => e);
      expect(String((again as Error & { cause?: Error }).cause?.message)).toMatch(/sample S-9 was entered already/);
      await h.signal(productionDeltasSignal, delta(0, temp(181)));
      await eventually(async () => ((await h.query(statusQuery)).qualityHolds[0]!.open === false ? true : undefined), 'the excursion ended in the new run');
      expect(notifications).toHaveLength(1);
      await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'ann' });
      await h.executeUpdate(qualityDispositionUpdate, { args: [{ holdId: s.qualityHolds[0]!.id, decision: 'release', requestedBy: 'qa' }] });
      expect(await resultOf(h, 'its result', UNIT_WAIT_MS)).toMatchObject({ phase: 'confirmed', confirmedGood: 22 });
    });
  });

  it('reworks a hold: refused without a rework operation, confirmed on it once, then good on the order\'s operation', async () => {
    const { posted, activities } = fakeActivities({ rejectFirst: false, characteristics: [oven] });
    await withPolicyOrder(activities, 'rework-1', '1000', { partialEvery: 100, goodsReceipt: false }, async (h) => {
      await h.signal(productionDeltasSignal, delta(8, temp(190)));
      const hold = await eventually(async () => (await h.query(statusQuery)).qualityHolds.find((x) => x.quantity === 8), 'the hold');
      const refusal = (e: unknown) => String((e as Error & { cause?: Error }).cause?.message);
      expect(refusal(await h.executeUpdate(qualityDispositionUpdate, { args: [{ holdId: hold.id, decision: 'rework', requestedBy: 'qa' }] }).catch((e: unknown) => e))).toMatch(/reworkOperation: a rework names the operation/);
      expect(refusal(await h.executeUpdate(qualityDispositionUpdate, { args: [{ holdId: hold.id, decision: 'rework', reworkOperation: '0010', requestedBy: 'qa' }] }).catch((e: unknown) => e))).toMatch(/the order's own operation/);
      const decided = await h.executeUpdate(qualityDispositionUpdate, { args: [{ holdId: hold.id, decision: 'rework', reworkOperation: '0900', requestedBy: 'qa' }] });
      expect(decided).toMatchObject({ qualityHeld: 8, qualityHolds: [{ disposition: 'rework', reworkOperation: '0900', reworkConfirmation: null }] });
      await eventually(async () => ((await h.query(statusQuery)).qualityHeld === 0 ? true : undefined), 'the rework confirmed');
      await h.signal(productionDeltasSignal, delta(2, temp(180)));
      await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'ann' });
      expect(await resultOf(h, 'its result', UNIT_WAIT_MS)).toMatchObject({ phase: 'confirmed', good: 10, confirmedGood: 10 });
      expect(posted.map((p) => [p.operation, p.yieldQty, p.isFinal])).toEqual([['0900', '8', false], ['0010', '10', true]]);
      await recordHistory(h, 'work-order-quality-rework.json');
    });
  });

  it('receives held units into blocked stock, moves them out by 343 on release and 555 on scrap, and receives no unit twice', async () => {
    const { posted, movements, activities } = fakeActivities({ rejectFirst: false, characteristics: [characteristic({ code: 'oven-temp', blockedStock: true })] });
    const kinds = () => movements.map((m) => `${m.kind} ${m.items.map((i) => `${i.material}:${i.quantity}`).join(',')}`).filter((k) => !k.startsWith('261'));
    await withPolicyOrder(activities, 'blocked-1', '1000', { partialEvery: 10, goodsReceipt: true }, async (h, confirmed) => {
      await h.signal(productionDeltasSignal, delta(20, temp(180)));
      await confirmed(20);
      await h.signal(productionDeltasSignal, delta(10, temp(186))); // 10 held, received into blocked stock with the notification
      await eventually(async () => (kinds().includes('101-blocked BRACKET-A:10') ? true : undefined), 'the blocked receipt');
      await h.signal(productionDeltasSignal, delta(5, temp(187))); // the excursion grows: no receipt per range
      await h.signal(productionDeltasSignal, delta(0, temp(180))); // it ends: the 5 are topped up
      await eventually(async () => (kinds().includes('101-blocked BRACKET-A:5') ? true : undefined), 'the top-up');
      const hold = (await h.query(statusQuery)).qualityHolds[0]!;
      expect(hold).toMatchObject({ quantity: 15, open: false, blockedStock: { received: 15, settled: null } });
      // Counted before the release (5 < partialEvery): the release makes 20 confirmable at once, one partial.
      await h.signal(productionDeltasSignal, delta(5, temp(180)));
      await eventually(async () => ((await h.query(statusQuery)).good === 40 ? true : undefined), 'the 5 counted');
      await h.executeUpdate(qualityDispositionUpdate, { args: [{ holdId: hold.id, decision: 'release', requestedBy: 'qa' }] });
      await confirmed(40);
      // A manual hold into blocked stock, scrapped: withdrawn for scrapping, confirmed as scrap, never received as good.
      await h.signal(productionDeltasSignal, delta(6, temp(181)));
      const manual = await h.executeUpdate(qualityHoldUpdate, { args: [{ quantity: 6, defectText: 'burrs on the edge', requestedBy: 'op', blockedStock: true }] });
      const manualId = manual.qualityHolds.at(-1)!.id;
      await eventually(async () => (kinds().includes('101-blocked BRACKET-A:6') ? true : undefined), 'the manual hold received blocked');
      await h.executeUpdate(qualityDispositionUpdate, { args: [{ holdId: manualId, decision: 'scrap', reasonCode: 'BURR', requestedBy: 'qa' }] });
      await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'ann' });
      const result = await resultOf(h, 'its result', UNIT_WAIT_MS);
      expect(result).toMatchObject({ phase: 'confirmed', good: 40, scrap: 6, confirmedGood: 40, confirmedScrap: 6 });
      expect(result.qualityHolds.map((x) => x.blockedStock)).toEqual([{ received: 15, settled: 'released' }, { received: 6, settled: 'scrapped' }]);
      expect(kinds()).toEqual([
        '101 BRACKET-A:20', '101-blocked BRACKET-A:10', '101-blocked BRACKET-A:5', '343 BRACKET-A:15',
        // 20 confirmed with 15 of them released from blocked stock: 5 received with the confirmation.
        '101 BRACKET-A:5', '101-blocked BRACKET-A:6', '555 BRACKET-A:6',
      ]);
      expect(posted.map((p) => [p.yieldQty, p.scrapQty])).toEqual([['20', '0'], ['20', '0'], ['0', '6']]);
      await recordHistory(h, 'work-order-blocked-stock.json');
    });
  });

  it('refuses blocked stock for an order that posts no goods receipt, and takes every blocked-stock posting back on cancellation', async () => {
    const { movements, activities } = fakeActivities({ rejectFirst: false });
    await withPolicyOrder(activities, 'blocked-2', '1000', { partialEvery: 100, goodsReceipt: false }, async (h) => {
      await h.signal(productionDeltasSignal, delta(5));
      const refusal = await eventually(async () => {
        const e = await h.executeUpdate(qualityHoldUpdate, { args: [{ quantity: 5, defectText: 'dented', requestedBy: 'op', blockedStock: true }] }).catch((x: unknown) => x);
        return (await h.query(statusQuery)).good === 5 ? e : undefined;
      }, 'the refusal');
      expect(String((refusal as Error & { cause?: Error }).cause?.message)).toMatch(/blockedStock: the order's confirmation policy posts no goods receipt/);
    });
    await withPolicyOrder(activities, 'blocked-3', '1000', { partialEvery: 100, goodsReceipt: true }, async (h) => {
      await h.signal(productionDeltasSignal, delta(8));
      await eventually(async () => ((await h.query(statusQuery)).good === 8 ? true : undefined), 'counted');
      const held = await h.executeUpdate(qualityHoldUpdate, { args: [{ quantity: 4, defectText: 'dented', requestedBy: 'op', blockedStock: true }] });
      const second = await h.executeUpdate(qualityHoldUpdate, { args: [{ quantity: 3, defectText: 'scratched', requestedBy: 'op', blockedStock: true }] });
      await eventually(async () => (movements.filter((m) => m.kind === '101-blocked').length === 2 ? true : undefined), 'both received blocked');
      await h.executeUpdate(qualityDispositionUpdate, { args: [{ holdId: held.qualityHolds[0]!.id, decision: 'release', requestedBy: 'qa' }] });
      await h.executeUpdate(qualityDispositionUpdate, { args: [{ holdId: second.qualityHolds[1]!.id, decision: 'scrap', requestedBy: 'qa' }] });
      await eventually(async () => (movements.some((m) => m.kind === '555') ? true : undefined), 'both settled');
      await h.executeUpdate(cancelOrderUpdate, { args: [{ reason: 'wrong material', requestedBy: 'ann' }] });
      expect(await resultOf(h, 'its result', UNIT_WAIT_MS)).toMatchObject({ phase: 'cancelled', confirmedGood: 0 });
      const seqOf = (kind: string) => movements.find((m) => m.kind === kind)!.postingSeq;
      // The last first: each reversal names the posting it takes back.
      expect(movements.filter((m) => m.reverses !== undefined).map((m) => [m.kind, m.reverses])).toEqual([
        ['556', seqOf('555')], ['344', seqOf('343')], ['102-blocked', movements.filter((m) => m.kind === '101-blocked')[1]!.postingSeq],
        ['102-blocked', seqOf('101-blocked')],
      ]);
      await recordHistory(h, 'work-order-blocked-stock-cancelled.json');
    });
  });

  it('judges a tag value in its characteristic\'s unit: converts °F to CEL, and reports (once) a unit it cannot convert, holding nothing on it', async () => {
    const { qualityEvents, activities } = fakeActivities({ rejectFirst: false, characteristics: [oven] });
    const inUnit = (value: number, unit: string): Measurement => ({ ...temp(value), unit });
    await withPolicyOrder(activities, 'units-1', '1000', { partialEvery: 100, goodsReceipt: false }, async (h) => {
      // 356 °F is 180 °C, 365 °F is 185 °C (on the limit, in spec): no hold, though both are far above 185 as numbers.
      await h.signal(productionDeltasSignal, delta(5, inUnit(356, '°F'), inUnit(365, 'FAH')));
      // Pressure against a temperature: not judged, whatever its number; reported once for two values.
      await h.signal(productionDeltasSignal, delta(5, inUnit(999, 'BAR'), inUnit(998, 'BAR')));
      await eventually(async () => ((await h.query(statusQuery)).good === 10 ? true : undefined), 'counted');
      expect((await h.query(statusQuery)).qualityHolds).toEqual([]);
      // 374 °F is 190 °C: held since the last judged value in spec (365 °F, 5 made then), the value kept in CEL.
      await h.signal(productionDeltasSignal, delta(2, inUnit(374, 'FAH')));
      const held = await eventually(async () => (await h.query(statusQuery)).qualityHolds[0], 'the hold');
      expect(held).toMatchObject({ quantity: 7, characteristic: 'oven-temp', measurements: [{ value: 190, unit: 'CEL' }] });
      await eventually(async () => (qualityEvents.some((e) => e.kind === 'alert') ? true : undefined), 'the alert published');
      const unjudged = qualityEvents.filter((e) => e.kind === 'unjudged');
      expect(unjudged.map((e) => e.kind === 'unjudged' && [e.unjudged.characteristic, e.unjudged.value, e.unjudged.unit, e.unjudged.specUnit])).toEqual([['oven-temp', 999, 'BAR', 'CEL']]);
      await h.executeUpdate(cancelOrderUpdate, { args: [{ reason: 'test over', requestedBy: 'ann' }] }).catch(() => undefined);
    });
  });

  it('names the finished batch on every receipt of a batch-managed material, the blocked one too', async () => {
    const { movements, activities } = fakeActivities({ rejectFirst: false, batchManaged: true });
    const batches = () => movements.filter((m) => m.kind.startsWith('101')).map((m) => `${m.kind} ${m.items.map((i) => `${i.quantity}@${i.batch}`).join(',')}`);
    await withPolicyOrder(activities, 'batch-receipt-1', '1000', { partialEvery: 5, goodsReceipt: true }, async (h, confirmed) => {
      await h.signal(productionDeltasSignal, delta(5));
      await confirmed(5);
      await h.signal(productionDeltasSignal, delta(3));
      await eventually(async () => ((await h.query(statusQuery)).good === 8 ? true : undefined), 'counted');
      const held = await h.executeUpdate(qualityHoldUpdate, { args: [{ quantity: 3, defectText: 'dented', requestedBy: 'op', blockedStock: true }] });
      await eventually(async () => (movements.some((m) => m.kind === '101-blocked') ? true : undefined), 'received blocked');
      await h.executeUpdate(qualityDispositionUpdate, { args: [{ holdId: held.qualityHolds[0]!.id, decision: 'release', requestedBy: 'qa' }] });
      await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'ann' });
      expect(await resultOf(h, 'its result', UNIT_WAIT_MS)).toMatchObject({ phase: 'confirmed', confirmedGood: 8 });
      // The order's own batch (its number, as the genealogy records it): 5 received, 3 blocked then released by 343.
      expect(batches()).toEqual(['101 5@2000003', '101-blocked 3@2000003']);
      expect(movements.find((m) => m.kind === '343')!.items).toEqual([{ material: 'BRACKET-A', quantity: '3', unit: 'PC', batch: '2000003' }]);
    });
    // The ERP named the order's batch: that one.
    await withPolicyOrder(activities, 'batch-receipt-2', '4', { partialEvery: 100, goodsReceipt: true }, async (h) => {
      await h.signal(productionDeltasSignal, delta(4));
      expect(await resultOf(h, 'its result', UNIT_WAIT_MS)).toMatchObject({ phase: 'confirmed', confirmedGood: 4 });
      expect(batches().at(-1)).toBe('101 4@FB-1');
    }, { batch: 'FB-1' });
  });

  it('posts no blocked receipt a person no longer needs: refused, the hold released meanwhile, the retry receives the units with their confirmation', async () => {
    const { movements, activities } = fakeActivities({ rejectFirst: false, rejectFirstBlockedReceipt: true });
    await withPolicyOrder(activities, 'blocked-refused-1', '1000', { partialEvery: 100, goodsReceipt: true }, async (h) => {
      await h.signal(productionDeltasSignal, delta(6));
      await eventually(async () => ((await h.query(statusQuery)).good === 6 ? true : undefined), 'counted');
      const held = await h.executeUpdate(qualityHoldUpdate, { args: [{ quantity: 4, defectText: 'dented', requestedBy: 'op', blockedStock: true }] });
      const parked = await eventually(async () => {
        const s = await h.query(statusQuery);
        return s.phase === 'exception' ? s : undefined;
      }, 'the refused blocked receipt parks the order');
      expect(parked.exception).toMatch(/InventoryUsabilityCode/);
      await h.executeUpdate(qualityDispositionUpdate, { args: [{ holdId: held.qualityHolds[0]!.id, decision: 'release', requestedBy: 'qa' }] });
      await h.signal(retryPostingSignal, { requestedBy: 'alice' });
      await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'ann' });
      const result = await resultOf(h, 'its result', UNIT_WAIT_MS);
      expect(result).toMatchObject({ phase: 'confirmed', confirmedGood: 6, qualityHolds: [{ disposition: 'release', blockedStock: { received: 0, settled: null } }] });
      // Nothing went to blocked stock, so nothing leaves it; the 6 are received once, with their confirmation.
      expect(movements.filter((m) => m.kind !== '261').map((m) => `${m.kind} ${m.items.map((i) => i.quantity).join(',')}`)).toEqual(['refused-101-blocked ', '101 6']);
    });
  });

  it('receives a unit released while a refused confirmation waits once: confirmed after its 343, not in the retried confirmation (soak seed 303)', async () => {
    const { posted, movements, activities } = fakeActivities({ rejectFirst: true });
    await withPolicyOrder(activities, 'blocked-parked-1', '1000', { partialEvery: 5, goodsReceipt: true }, async (h) => {
      await h.signal(productionDeltasSignal, delta(3));
      await eventually(async () => ((await h.query(statusQuery)).good === 3 ? true : undefined), 'counted');
      const held = await h.executeUpdate(qualityHoldUpdate, { args: [{ quantity: 1, defectText: 'burr', requestedBy: 'op', blockedStock: true }] });
      await eventually(async () => (movements.some((m) => m.kind === '101-blocked') ? true : undefined), 'received blocked');
      await h.signal(productionDeltasSignal, delta(3)); // 5 confirmable: a partial, which the ERP refuses
      await eventually(async () => ((await h.query(statusQuery)).phase === 'exception' ? true : undefined), 'parked');
      await h.executeUpdate(qualityDispositionUpdate, { args: [{ holdId: held.qualityHolds[0]!.id, decision: 'release', requestedBy: 'qa' }] });
      await h.signal(retryPostingSignal, { requestedBy: 'alice' });
      await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'ann' });
      expect(await resultOf(h, 'its result', UNIT_WAIT_MS)).toMatchObject({ phase: 'confirmed', confirmedGood: 6 });
      // The released unit waits for its 343: the retried partial is the 5 again, the final takes the 1 without a receipt.
      expect(posted.map((p) => p.yieldQty)).toEqual(['5', '5', '1']);
      const receipts = movements.filter((m) => m.kind.startsWith('101') || m.kind === '343').map((m) => `${m.kind} ${m.items[0]!.quantity}`);
      expect(receipts).toEqual(['101-blocked 1', '101 5', '343 1']);
    });
  });
});
