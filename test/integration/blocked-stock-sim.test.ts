import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { buildPlannerApi } from '../../api/app.js';
import { issueToken } from '../../api/auth.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErpPosting } from '../../contracts/erp-port.js';
import { workOrderWorkflowId } from '../../contracts/ids.js';
import type { WorkOrderStatus } from '../../contracts/messages/work-order-status.js';
import { erpPostings } from '../../schema/index.js';
import { reconcileOrder } from '../../services/reconciliation/reconcile.js';
import { cancelOrderUpdate, qualityDispositionUpdate, qualityHoldUpdate, retryPostingSignal, statusQuery } from '../../workflows/definitions.js';
import type { workOrderWorkflow } from '../../workflows/work-order.js';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { counts, publishRelease, release, releasesSettled, sendInBatches, SITE } from '../helpers/orders.js';
import { resultOf } from '../helpers/workflow-result.js';

// Blocked stock against the ERP simulator while it fails posts and loses replies after committing: a refused 343
// retried by a person, a scrap decided meanwhile, a rework, partials; then a cancellation whose replies are all lost.
// After each, the simulator's ledger holds every key once and the books balance (docs/quality.md, "Blocked stock").
const FAULTS = { errorRate: 0.2, replyLossRate: 0.3, seed: 21 };

describe('blocked stock against the ERP simulator, through faults', () => {
  let engine: TestEngine;
  let api: FastifyInstance;
  let token: string;
  beforeAll(async () => {
    engine = await startTestEngine({ erp: 'sim', faults: FAULTS, bridge: false });
    api = await buildPlannerApi({ db: engine.services.db, client: engine.services.client });
    token = await issueToken(engine.services.db, 'test-quality', 'quality');
  });
  afterAll(async () => {
    await api?.close();
    await engine?.stop();
  });
  const deps = () => ({ client: engine.services.client, db: engine.services.db, erp: engine.erp });
  const handle = (id: string) => engine.services.client.workflow.getHandle<typeof workOrderWorkflow>(workOrderWorkflowId(SITE, id));
  const ledger = (id: string) => engine.erp.listOrderPostings(id);
  const status = (id: string) => handle(id).query(statusQuery);

  /** Every key our ledger says was posted is in the ERP once; a refused one is not there. */
  async function eachKeyOnce(id: string) {
    const rows = await engine.services.db.select().from(erpPostings).where(eq(erpPostings.workflowId, workOrderWorkflowId(SITE, id)));
    for (const r of rows) {
      const found = await engine.erp.findPostings(r.postingKey);
      const expected = r.status === 'rejected' || r.kind === 'confirmation-cancellation' ? 0 : 1;
      expect([r.postingKey, r.kind, found.length]).toEqual([r.postingKey, r.kind, expected]);
    }
    return rows;
  }

  /** The order's receipts and blocked balance in the ERP against its holds (units of BRACKET-A). */
  function expectBooksBalance(postings: ErpPosting[], s: WorkOrderStatus) {
    const net = (signs: Record<string, number>, blockedOnly = false) => postings
      .filter((p) => p.kind === 'goods-movement' && p.movementType !== null && p.movementType in signs && (!blockedOnly || !['101', '102'].includes(p.movementType) || p.stockType === 'blocked'))
      .reduce((n, p) => n + signs[p.movementType!]! * p.items.filter((i) => i.material === 'BRACKET-A').reduce((q, i) => q + Number(i.quantity), 0), 0);
    const holdsBlocked = s.qualityHolds.reduce((n, h) => n + (h.blockedStock?.settled === null ? h.blockedStock.received : 0), 0);
    const scrappedOut = s.qualityHolds.reduce((n, h) => n + (h.blockedStock?.settled === 'scrapped' ? h.blockedStock.received : 0), 0);
    const cancelled = s.phase === 'cancelled';
    expect({ received: net({ 101: 1, 102: -1 }), blocked: net({ 101: 1, 102: -1, 343: -1, 344: 1, 555: -1, 556: 1 }, true) }).toEqual({
      received: cancelled ? 0 : s.confirmedGood + holdsBlocked + scrappedOut + (s.receivedAhead ?? 0),
      blocked: cancelled ? 0 : holdsBlocked,
    });
  }

  const hold = async (id: string, quantity: number) => {
    const s = await handle(id).executeUpdate(qualityHoldUpdate, { args: [{ quantity, defectText: 'dented flange', requestedBy: 'qa', blockedStock: true }] });
    return s.qualityHolds.at(-1)!.id;
  };
  const decide = (id: string, holdId: number, decision: 'release' | 'scrap' | 'rework') =>
    handle(id).executeUpdate(qualityDispositionUpdate, { args: [{ holdId, decision, requestedBy: 'qa', ...(decision === 'rework' ? { reworkOperation: '0900' } : {}) }] });
  const blockedReceipts = async (id: string) => (await ledger(id)).filter((p) => p.movementType === '101' && p.stockType === 'blocked').length;

  it('receives held units blocked, takes a refused 343 again after a person\'s retry, scraps and reworks, each unit received once', async () => {
    const id = '1500001';
    await publishRelease(engine, release(id, '40', { confirmationPolicy: { partialEvery: 10, goodsReceipt: true, overdeliveryTolerancePct: 0 } }), `release-${id}`);
    await releasesSettled(engine);
    await sendInBatches(handle(id), counts(`${id}-a`, 8, 1, 0), 8);
    await eventually(async () => ((await status(id)).good === 8 ? true : undefined), 'counted');
    const [a, b, c] = [await hold(id, 4), await hold(id, 2), await hold(id, 2)];
    await eventually(async () => ((await blockedReceipts(id)) === 3 ? true : undefined), 'three receipts into blocked stock', 60_000);
    engine.erpFaults.set({ ...FAULTS, rejectMovements: [{ movementType: '343', erpOrderId: id }] });
    await decide(id, a, 'release');
    await eventually(async () => ((await status(id)).phase === 'exception' ? true : undefined), 'the 343 refused', 60_000);
    await decide(id, b, 'scrap'); // decided while the 343 waits for a person
    await sendInBatches(handle(id), counts(`${id}-b`, 12, 1, 0), 12); // a partial is due meanwhile: it waits for the 343
    engine.erpFaults.set(FAULTS);
    await handle(id).signal(retryPostingSignal, { requestedBy: 'planner' });
    await eventually(async () => ((await status(id)).phase === 'running' ? true : undefined), 'the 343 taken', 60_000);
    await decide(id, c, 'rework');
    await sendInBatches(handle(id), counts(`${id}-c`, 22, 1, 0), 11); // 40 good with the 2 scrapped made up
    const done = await resultOf(handle(id), 'its result', 120_000);
    expect(done).toMatchObject({ phase: 'confirmed', good: 40, confirmedGood: 40, confirmedScrap: 2, exception: null });
    expect(done.qualityHolds.map((h) => h.blockedStock)).toEqual([
      { received: 4, settled: 'released' }, { received: 2, settled: 'scrapped' }, { received: 2, settled: 'released' },
    ]);
    const postings = await ledger(id);
    expectBooksBalance(postings, done);
    await eachKeyOnce(id);
    expect((await reconcileOrder(deps(), SITE, id)).differences).toEqual([]);
  });

  it('cancels after a release and a scrap out of blocked stock, every reply lost: each posting taken back once, books at zero', async () => {
    const id = '1500002';
    await publishRelease(engine, release(id, '100', { confirmationPolicy: { partialEvery: 10, goodsReceipt: true, overdeliveryTolerancePct: 0 } }), `release-${id}`);
    await releasesSettled(engine);
    await sendInBatches(handle(id), counts(`${id}-a`, 5, 1, 0), 5);
    await eventually(async () => ((await status(id)).good === 5 ? true : undefined), 'counted');
    const a = await hold(id, 3);
    const b = await hold(id, 2);
    await eventually(async () => ((await blockedReceipts(id)) === 2 ? true : undefined), 'received blocked', 60_000);
    await decide(id, a, 'release');
    await decide(id, b, 'scrap');
    await sendInBatches(handle(id), counts(`${id}-b`, 7, 1, 0), 7); // a partial of 10: 3 of them released ahead
    await eventually(async () => ((await status(id)).confirmedGood === 10 ? true : undefined), 'the partial', 60_000);
    // The partial's own receipt (7: 3 of its 10 were received ahead) goes out after the confirmation stands.
    await eventually(async () => ((await ledger(id)).some((p) => p.movementType === '101' && p.stockType !== 'blocked') ? true : undefined), 'the partial\'s receipt', 60_000);
    const before = await status(id);
    expectBooksBalance(await ledger(id), before);
    expect((await reconcileOrder(deps(), SITE, id)).differences).toEqual([]);
    engine.erpFaults.set({ errorRate: 0.2, replyLossRate: 1, seed: 22 });
    const answer = await handle(id).executeUpdate(cancelOrderUpdate, { args: [{ reason: 'customer order withdrawn', requestedBy: 'planner' }] });
    const cancelled = answer.phase === 'cancelled' ? answer : await resultOf(handle(id), 'the cancellation', 120_000);
    engine.erpFaults.set(FAULTS);
    expect(cancelled).toMatchObject({ phase: 'cancelled', confirmedGood: 0, confirmedScrap: 0, exception: null });
    expectBooksBalance(await ledger(id), cancelled);
    await eachKeyOnce(id);
    expect((await reconcileOrder(deps(), SITE, id)).differences).toEqual([]);
  });

  it('holds units released ahead again by 344 and scraps them by 555: the simulator\'s books balance, reconciliation clean', async () => {
    const id = '1500004';
    await publishRelease(engine, release(id, '10', { confirmationPolicy: { goodsReceipt: true, overdeliveryTolerancePct: 0 } }), `release-${id}`);
    await releasesSettled(engine);
    await sendInBatches(handle(id), counts(`${id}-a`, 5, 1, 0), 5);
    await eventually(async () => ((await status(id)).good === 5 ? true : undefined), 'counted');
    const a = await hold(id, 5);
    await eventually(async () => ((await blockedReceipts(id)) === 1 ? true : undefined), 'received blocked', 60_000);
    await decide(id, a, 'release');
    await eventually(async () => ((await status(id)).receivedAhead === 5 ? true : undefined), 'released ahead', 60_000);
    const b = await hold(id, 3); // only the released units are unconfirmed: back to blocked stock by 344
    await eventually(async () => ((await status(id)).qualityHolds[1]!.blockedStock!.received === 3 ? true : undefined), 'held again', 60_000);
    expect((await ledger(id)).filter((p) => p.movementType === '344').map((p) => p.items[0]!.quantity)).toEqual(['3']);
    await decide(id, b, 'scrap');
    await sendInBatches(handle(id), counts(`${id}-b`, 8, 1, 0), 8);
    const done = await resultOf(handle(id), 'its result', 120_000);
    expect(done).toMatchObject({ phase: 'confirmed', confirmedGood: 10, confirmedScrap: 3, exception: null });
    expectBooksBalance(await ledger(id), done);
    expect(done.receivedAhead ?? 0).toBe(0);
    await eachKeyOnce(id);
    expect((await reconcileOrder(deps(), SITE, id)).differences).toEqual([]);
  });

  it('answers a bad blockedStock with a 4xx naming the field', async () => {
    const post = (id: string, body: unknown) => api.inject().post(`/orders/${SITE}/${id}/quality-holds`).headers({ authorization: `Bearer ${token}` }).body(body as object);
    const id = '1500003';
    await publishRelease(engine, release(id, '100', { confirmationPolicy: { goodsReceipt: false, overdeliveryTolerancePct: 0 } }), `release-${id}`);
    await releasesSettled(engine);
    await sendInBatches(handle(id), counts(`${id}-a`, 5, 1, 0), 5);
    await eventually(async () => ((await status(id)).good === 5 ? true : undefined), 'counted');
    const notBoolean = await post(id, { quantity: 2, defectText: 'dented', blockedStock: 'yes' });
    expect([notBoolean.statusCode, notBoolean.json().detail]).toEqual([400, expect.stringMatching(/^body\.blockedStock: /)]);
    const noReceipt = await post(id, { quantity: 2, defectText: 'dented', blockedStock: true });
    expect([noReceipt.statusCode, noReceipt.json().detail]).toEqual([409, expect.stringMatching(/^blockedStock: .*posts no goods receipt/)]);
    expect((await status(id)).qualityHolds).toEqual([]);
    const plain = await post(id, { quantity: 2, defectText: 'dented', blockedStock: false });
    expect(plain.statusCode).toBe(200);
    expect(plain.json().qualityHolds[0].blockedStock).toBeUndefined();
  });
});
