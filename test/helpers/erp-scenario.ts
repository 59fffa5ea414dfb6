import { setTimeout as sleep } from 'node:timers/promises';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workOrderWorkflowId } from '../../contracts/ids.js';
import { ErpUnavailable, type ErpPosting } from '../../contracts/erp-port.js';
import { erpPostings } from '../../schema/index.js';
import { cancelOrderUpdate, retryPostingSignal, statusQuery } from '../../workflows/definitions.js';
import type { workOrderWorkflow } from '../../workflows/work-order.js';
import { fixOrder, reconcileOrder, reconcileScope } from '../../services/reconciliation/reconcile.js';
import { eventually, startTestEngine, type TestEngine } from './engine.js';
import { counts, publishRelease, release, releasesSettled, sendInBatches, SITE } from './orders.js';
import { resultOf } from './workflow-result.js';

// BRACKET-A in seed/demo-plant.yaml: 0.25 KG of SHEET-2MM and 4 PC of SCREW-M6 per piece.
export const BOM = { 'SHEET-2MM': 0.25, 'SCREW-M6': 4 };
const FAULTS = { errorRate: 0.3, replyLossRate: 0.1, seed: 7 };

/** What the ERP holds for an order, summed: yields, scraps, net 261-262 per component, net 101-102. */
export function sums(postings: ErpPosting[]) {
  const confs = postings.filter((p) => p.kind === 'confirmation' && !p.cancelled);
  const net = (types: [string, string], material: string) =>
    postings
      .filter((p) => p.kind === 'goods-movement')
      .flatMap((p) => p.items.filter((i) => i.material === material).map((i) => (p.movementType === types[0] ? 1 : p.movementType === types[1] ? -1 : 0) * Number(i.quantity)))
      .reduce((a, b) => a + b, 0);
  return {
    confirmations: confs.length,
    finals: confs.filter((p) => p.isFinal).length,
    yield: confs.reduce((s, p) => s + Number(p.yieldQty), 0),
    scrap: confs.reduce((s, p) => s + Number(p.scrapQty), 0),
    sheet: net(['261', '262'], 'SHEET-2MM'),
    screws: net(['261', '262'], 'SCREW-M6'),
    received: net(['101', '102'], 'BRACKET-A'),
    issues: postings.filter((p) => p.movementType === '261').length,
    reversals: postings.filter((p) => p.movementType === '262').length,
  };
}

/**
 * The acceptance scenario of the ERP issue, run against one ERP (the simulator or the SAP test double): partial and
 * final confirmations with backflush and goods receipt while 30 % of posts fail, 10 % lose their reply after the
 * commit and the ERP goes fully down for a stretch; then a forced permanent rejection.
 */
export function backflushScenario(erpKind: 'sim' | 's4hana', orderBase: number): void {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await startTestEngine({ erp: erpKind, faults: FAULTS });
  });
  afterAll(async () => {
    await engine?.stop();
  });
  const deps = () => ({ client: engine.services.client, db: engine.services.db, erp: engine.erp });
  const handle = (id: string) => engine.services.client.workflow.getHandle<typeof workOrderWorkflow>(workOrderWorkflowId(SITE, id));

  /**
   * Every key our ledger says was posted is in the ERP exactly once; every refused one is not there at all, and a
   * cancellation is no document of its own (it flags the confirmation, found under the confirmation's key).
   */
  async function eachKeyOnce(erpOrderId: string) {
    const rows = await engine.services.db.select().from(erpPostings).where(eq(erpPostings.workflowId, workOrderWorkflowId(SITE, erpOrderId)));
    for (const r of rows) {
      const found = await engine.erp.findPostings(r.postingKey);
      const expected = r.status === 'rejected' || r.kind === 'confirmation-cancellation' ? 0 : 1;
      expect([r.postingKey, r.status, found.length]).toEqual([r.postingKey, r.status, expected]);
    }
    return rows;
  }

  describe(`backflush saga against the ${erpKind === 'sim' ? 'ERP simulator' : 'SAP S/4HANA test double'}`, () => {
    it('posts partial and final confirmations with backflush and goods receipt exactly once through faults and an outage', async () => {
      const orders = [1, 2, 3].map((i) => String(orderBase + i));
      const policy = { partialEvery: 40, goodsReceipt: true, overdeliveryTolerancePct: 0 };
      for (const id of orders) await publishRelease(engine, release(id, '120', { confirmationPolicy: policy }), `release-${id}`);
      await releasesSettled(engine);
      const outage = (async () => {
        await sleep(1_500);
        engine.erpFaults.set({ ...FAULTS, outage: true });
        await expect(engine.erp.findPostings('probe#1')).rejects.toBeInstanceOf(ErpUnavailable);
        await sleep(4_000);
        engine.erpFaults.set({ ...FAULTS, seed: 8 });
      })();
      await Promise.all(
        orders.map(async (id) => {
          const h = handle(id);
          const events = counts(id, 60, 2, 0).map((e, i) => ({ ...e, scrap: i % 5 === 0 ? 1 : 0 })); // 120 good, 12 scrap
          for (let i = 0; i < events.length; i += 6) {
            await sendInBatches(h, events.slice(i, i + 6), 6);
            if (i % 12 === 0) await sendInBatches(h, events.slice(Math.max(0, i - 6), i + 1), 7); // redeliveries
            await sleep(150);
          }
          const done = await resultOf(h);
          expect(done).toMatchObject({ phase: 'confirmed', good: 120, scrap: 12, confirmedGood: 120, confirmedScrap: 12, exception: null });
        }),
      );
      await outage;
      for (const id of orders) {
        const s = sums(await engine.erp.listOrderPostings(id));
        expect(s).toMatchObject({ finals: 1, yield: 120, scrap: 12, sheet: 120 * BOM['SHEET-2MM'], screws: 120 * BOM['SCREW-M6'], received: 120, reversals: 0 });
        expect(s.confirmations).toBeGreaterThanOrEqual(2); // at least one partial before the final
        expect(s.issues).toBe(s.confirmations);
        const rows = await eachKeyOnce(id);
        expect(rows.every((r) => r.status === 'posted')).toBe(true);
        const rec = await reconcileOrder(deps(), SITE, id);
        expect(rec.differences).toEqual([]);
      }
      expect(engine.erpFaults.counts.error).toBeGreaterThan(0);
      expect(engine.erpFaults.counts['lose-reply']).toBeGreaterThan(0);

      // Someone cancels the final confirmation in the ERP and books a stray goods issue there by hand: reconciliation
      // names both, and the planner's fix (asked twice at once) posts the final again and reverses the stray, once.
      const [id] = orders as [string];
      const final = (await engine.erp.listOrderPostings(id)).find((p) => p.kind === 'confirmation' && p.isFinal)!;
      // A person's own work in the ERP is not what is under test: no injected faults while they post by hand (a 30 %
      // error rate here failed the test about one run in three), the same faults again for the fix.
      engine.erpFaults.set({});
      await engine.erp.cancelConfirmation(`${workOrderWorkflowId(SITE, id)}#1`);
      await engine.erp.postGoodsMovement({ postingKey: `by-hand-${id}`, erpOrderId: id, movementType: '261', plant: '1010', storageLocation: '0002', items: [{ material: 'SCREW-M6', quantity: '8', unit: 'PC' }] });
      engine.erpFaults.set({ ...FAULTS, seed: 9 });
      const broken = await reconcileOrder(deps(), SITE, id);
      expect(broken.differences.map((d) => d.what)).toEqual(expect.arrayContaining(['confirmed yield', 'consumption of SCREW-M6', 'final confirmation']));
      const [fixed, again] = await Promise.all([fixOrder(deps(), SITE, id, 'planner'), fixOrder(deps(), SITE, id, 'planner')]);
      expect(fixed.applied.map((a) => a.action)).toEqual([
        { kind: 'confirmation', yieldQty: final.yieldQty, scrapQty: final.scrapQty, isFinal: true },
        { kind: 'goods-movement', movementType: '262', items: [{ material: 'SCREW-M6', quantity: '8', unit: 'PC' }] },
      ]);
      expect(again.applied).toEqual(fixed.applied);
      expect(fixed.after.differences).toEqual([]);
      expect(sums(await engine.erp.listOrderPostings(id))).toMatchObject({ finals: 1, yield: 120, scrap: 12, screws: 120 * BOM['SCREW-M6'] });
      expect((await fixOrder(deps(), SITE, id, 'planner')).applied).toEqual([]);
      // The line's books for the release day: every order agrees.
      const day = await reconcileScope(deps(), { site: SITE, line: 'line-2', from: '2026-01-05T00:00:00Z', to: '2026-01-06T00:00:00Z' });
      expect(day).toMatchObject({ orders: 3, withDifferences: [], failed: [] });
      expect([...day.agreeing].sort()).toEqual(orders);
    });

    it('cancels an order with partial confirmations: every posting is taken back once, through faults', async () => {
      const id = String(orderBase + 5);
      engine.erpFaults.set({ ...FAULTS, seed: 11 });
      const policy = { partialEvery: 30, goodsReceipt: true, overdeliveryTolerancePct: 0 };
      await publishRelease(engine, release(id, '200', { confirmationPolicy: policy }), `release-${id}`);
      await releasesSettled(engine);
      const h = handle(id);
      const confirmed = (n: number) =>
        eventually(async () => ((await h.query(statusQuery)).confirmedGood === n ? true : undefined), `${n} confirmed`, 120_000);
      const events = counts(id, 35, 2, 0);
      await sendInBatches(h, events.slice(0, 20), 20); // 40 good in one signal: a partial of 40
      await confirmed(40);
      await sendInBatches(h, events.slice(20), 15); // 30 more: a partial of 30
      await confirmed(70);
      const before = sums(await engine.erp.listOrderPostings(id));
      expect(before.confirmations).toBeGreaterThanOrEqual(2);
      // Every reply of the cancellation's calls is lost after the ERP committed: only look-ups keep it to one each.
      engine.erpFaults.set({ errorRate: 0.3, replyLossRate: 1, seed: 12 });
      const lostBefore = engine.erpFaults.counts['lose-reply'];
      const answer = await h.executeUpdate(cancelOrderUpdate, { args: [{ reason: 'customer order withdrawn', requestedBy: 'planner' }] });
      // The update answers within 10 s, `cancelling` while the ERP still takes postings back (each a retried activity).
      expect(['cancelling', 'cancelled']).toContain(answer.phase);
      const cancelled = answer.phase === 'cancelled' ? answer : await resultOf(h, 'the cancellation');
      expect(engine.erpFaults.counts['lose-reply'] - lostBefore).toBeGreaterThanOrEqual(before.confirmations * 3);
      engine.erpFaults.set(FAULTS);
      expect(cancelled).toMatchObject({ phase: 'cancelled', good: 70, confirmedGood: 0, confirmedScrap: 0, exception: null });
      const after = sums(await engine.erp.listOrderPostings(id));
      expect(after).toMatchObject({ confirmations: 0, yield: 0, scrap: 0, sheet: 0, screws: 0, received: 0 });
      expect(after.reversals).toBe(after.issues); // one 262 per 261, none twice
      const rows = await eachKeyOnce(id);
      expect(rows.filter((r) => r.kind === 'confirmation-cancellation' && r.status === 'posted')).toHaveLength(before.confirmations);
      expect(rows.filter((r) => r.kind === 'confirmation').map((r) => r.status)).toEqual(rows.filter((r) => r.kind === 'confirmation').map(() => 'cancelled'));
      const rec = await reconcileOrder(deps(), SITE, id);
      expect(rec.differences).toEqual([]);
    });

    it('reverses the goods issue of a permanently rejected confirmation and shows the exception with the ERP message', async () => {
      const id = String(orderBase + 9);
      engine.erpFaults.set({ ...FAULTS, rejectOrders: [id] });
      await publishRelease(engine, release(id, '50', { confirmationPolicy: { goodsReceipt: true, overdeliveryTolerancePct: 0 } }), `release-${id}`);
      await releasesSettled(engine);
      const h = handle(id);
      await sendInBatches(h, counts(id, 25, 2, 0), 5);
      const parked = await eventually(async () => {
        const s = await h.query(statusQuery);
        return s.phase === 'exception' ? s : undefined;
      }, 'the order to be parked in exception', 120_000);
      expect(parked.exception).toMatch(/Order \d+ is locked by user BOB/);
      expect(parked.confirmedGood).toBe(0);
      const rejected = sums(await engine.erp.listOrderPostings(id));
      expect(rejected).toMatchObject({ confirmations: 0, sheet: 0, screws: 0, received: 0 });
      expect(rejected.issues).toBeGreaterThanOrEqual(1);
      expect(rejected.reversals).toBe(rejected.issues);
      await eachKeyOnce(id);
      const rec = await reconcileOrder(deps(), SITE, id);
      expect(rec.differences).toEqual([]);

      // A person fixes the cause in the ERP and retries: the order confirms, consumption is right once more.
      engine.erpFaults.set(FAULTS);
      await h.signal(retryPostingSignal, { requestedBy: 'planner' });
      expect(await resultOf(h)).toMatchObject({ phase: 'confirmed', confirmedGood: 50, exception: null });
      const after = sums(await engine.erp.listOrderPostings(id));
      expect(after).toMatchObject({ finals: 1, yield: 50, sheet: 50 * BOM['SHEET-2MM'], screws: 50 * BOM['SCREW-M6'], received: 50 });
      await eachKeyOnce(id);
      expect((await reconcileOrder(deps(), SITE, id)).differences).toEqual([]);
    });

    if (erpKind === 's4hana')
      it('a lock on a component (HTTP 400, M3/897) is retried: one 261, no 262, the order confirms', async () => {
        const id = String(orderBase + 14);
        engine.erpFaults.set({});
        await publishRelease(engine, release(id, '20', { confirmationPolicy: { goodsReceipt: false, overdeliveryTolerancePct: 0 } }), `release-${id}`);
        await releasesSettled(engine);
        // SAP's answer when another order issues the same component at that moment, once; then the lock is gone.
        engine.sap!.queueError({ path: 'A_MaterialDocumentHeader', status: 400, code: 'M3/897', text: 'The plant data of the material SCREW-M6 is locked by the user PLANNER2', times: 1 });
        const h = handle(id);
        await sendInBatches(h, counts(id, 10, 2, 0), 5);
        expect(await resultOf(h)).toMatchObject({ phase: 'confirmed', confirmedGood: 20, exception: null });
        const s = sums(await engine.erp.listOrderPostings(id));
        expect(s).toMatchObject({ confirmations: 1, finals: 1, yield: 20, issues: 1, reversals: 0, screws: 20 * BOM['SCREW-M6'] });
        const [issue] = (await engine.services.db.select().from(erpPostings).where(eq(erpPostings.workflowId, workOrderWorkflowId(SITE, id)))).filter((r) => r.kind === 'goods-issue');
        expect(issue).toMatchObject({ status: 'posted', attempts: 2, lastError: null });
        // No session expired in this file's run: no modifying request was ever refused for its CSRF token.
        expect(engine.sap!.csrf.refusals).toBe(0);
      });
  });
}
