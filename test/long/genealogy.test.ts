import { DefaultLogger, type WorkflowBundle } from '@temporalio/worker';
import { asc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken, type Role } from '../../api/auth.js';
import { buildPlannerApi } from '../../api/app.js';
import { toThousandths } from '../../contracts/decimal.js';
import { workOrderWorkflowId } from '../../contracts/ids.js';
import { GenealogyAnswer, StagedBatchView } from '../../contracts/messages/genealogy.js';
import type { ConfirmationPolicy } from '../../contracts/messages/order-release.js';
import { bundleMesWorkflows } from '../../workers/wiring/temporal-worker.js';
import { qualityDispositionUpdate, qualityHoldUpdate, statusQuery } from '../../workflows/definitions.js';
import type { workOrderWorkflow } from '../../workflows/work-order.js';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { startInProcessWorker, type InProcessWorker } from '../helpers/in-process-worker.js';
import { counts, publishRelease, release, releasesSettled, sendInBatches, SITE } from '../helpers/orders.js';
import { resultOf } from '../helpers/workflow-result.js';
import { auditLog } from '../../schema/index.js';

const [O1, O2, O3] = ['1300001', '1300002', '1300003'];
const serials = (order: string, n: number) => Array.from({ length: n }, (_, i) => `${order}-${String(i + 1).padStart(5, '0')}`);

/**
 * Issue 13's genealogy test: two batches of SHEET-2MM staged at line-2 (4 KG and 100 KG) consumed over three orders
 * of 10 BRACKET-A (0.25 KG each: 2.5 KG an order), first in, first out: order 1 takes 2.5 of S-A, order 2 the last 1.5
 * of S-A and 1 of S-B (over two confirmations, the worker restarted between them), order 3 2.5 of S-B (with a
 * quality hold released on the way). The ERP loses the reply of every post it commits for
 * order 1, then fails 30 % of posts and loses 20 % of the replies.
 */
describe('batches and genealogy through ERP faults and a worker restart', () => {
  let engine: TestEngine;
  let bundle: WorkflowBundle;
  let worker: InProcessWorker | undefined;
  let api: FastifyInstance | undefined;
  const tokens: Partial<Record<Role, string>> = {};
  const auth = (role: Role) => ({ authorization: `Bearer ${tokens[role]}` });

  beforeAll(async () => {
    const [started, bundled] = await Promise.allSettled([
      startTestEngine({ worker: false, bridge: false }),
      bundleMesWorkflows(new DefaultLogger('ERROR')),
    ]);
    if (started.status === 'fulfilled') engine = started.value;
    if (started.status === 'rejected') throw started.reason;
    if (bundled.status === 'rejected') throw bundled.reason;
    bundle = bundled.value;
    worker = await startInProcessWorker(engine, bundle);
    api = await buildPlannerApi({ db: engine.services.db, client: engine.services.client });
    for (const role of ['planner', 'quality', 'operator', 'viewer'] as Role[]) tokens[role] = await issueToken(engine.services.db, `genealogy-${role}`, role);
  });
  afterAll(async () => {
    try {
      await api?.close();
      await worker?.stop();
    } finally {
      await engine?.stop();
    }
  });

  const handle = (id: string) => engine.services.client.workflow.getHandle<typeof workOrderWorkflow>(workOrderWorkflowId(SITE, id));
  const releaseOrder = async (id: string, confirmationPolicy?: ConfirmationPolicy) => {
    await publishRelease(engine, release(id, '10', confirmationPolicy ? { confirmationPolicy } : {}), `release-${id}`);
    await releasesSettled(engine);
    return handle(id);
  };
  const stage = (role: Role, body: Record<string, string>) => api!.inject().post('/lines/plant1/line-2/batches').headers(auth(role)).body(body);
  const genealogy = async (path: string) => {
    const r = await api!.inject().get(`/genealogy/${path}`).headers(auth('viewer'));
    expect(r.statusCode).toBe(200);
    return GenealogyAnswer.parse(r.json());
  };
  /** SHEET-2MM the ERP holds as issued (261) to an order, per batch, in thousandths of KG. */
  const issuedByBatch = async (id: string) => {
    const out: Record<string, number> = {};
    for (const p of await engine.erp.listOrderPostings(id)) {
      if (p.kind !== 'goods-movement' || p.movementType !== '261' || p.cancelled) continue;
      for (const i of p.items.filter((x) => x.material === 'SHEET-2MM')) out[i.batch ?? '-'] = (out[i.batch ?? '-'] ?? 0) + toThousandths(i.quantity);
    }
    return out;
  };

  it('stages two batches, consumes them first in first out over three orders, and answers the genealogy both ways', async () => {
    expect((await stage('viewer', { material: 'SHEET-2MM', batch: 'S-A', quantity: '4', unit: 'KG' })).statusCode).toBe(403);
    const bad = await stage('operator', { material: 'SHEET-2MM', batch: 'S-A', quantity: '0', unit: 'KG' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toMatch(/quantity/);
    expect((await stage('operator', { material: 'NO-SUCH', batch: 'S-A', quantity: '4', unit: 'KG' })).json()).toMatchObject({ status: 400, detail: expect.stringContaining('body.material') });
    expect((await stage('operator', { material: 'SHEET-2MM', batch: 'S-A', quantity: '4', unit: 'KG' })).statusCode).toBe(201);
    expect((await stage('planner', { material: 'SHEET-2MM', batch: 'S-B', quantity: '100', unit: 'KG' })).statusCode).toBe(201);
    expect((await stage('operator', { material: 'SHEET-2MM', batch: 'S-B', quantity: '1', unit: 'KG' })).statusCode).toBe(409);
    // Each staging is audited with who scanned what; refused ones leave no row.
    const audited = await engine.services.db.select().from(auditLog).where(eq(auditLog.action, 'batch-stage')).orderBy(asc(auditLog.id));
    expect(audited.map((a) => [a.actor, a.target, (a.details as { batch: string }).batch])).toEqual([['genealogy-operator', 'plant1/line-2', 'S-A'], ['genealogy-planner', 'plant1/line-2', 'S-B']]);

    // Order 1: every post the ERP commits loses its reply (the retry finds it by its key); then failures and losses.
    engine.erpFaults.set({ errorRate: 0, replyLossRate: 1 });
    const h1 = await releaseOrder(O1);
    await sendInBatches(h1, counts(O1, 10, 1, 0), 5);
    expect(await resultOf(h1, 'order 1 confirmed')).toMatchObject({ phase: 'confirmed', confirmedGood: 10 });
    engine.erpFaults.set({ errorRate: 0.3, replyLossRate: 0.2, seed: 14 });

    // Order 2 confirms in two partials of 5; the worker is restarted while the first is under way.
    const h2 = await releaseOrder(O2, { partialEvery: 5, goodsReceipt: false, overdeliveryTolerancePct: 0 });
    await sendInBatches(h2, counts(`${O2}-a`, 5, 1, 0), 5);
    await worker!.stop();
    worker = await startInProcessWorker(engine, bundle);
    await eventually(async () => ((await h2.query(statusQuery)).confirmedGood === 5 ? true : undefined), 'order 2 first partial');
    await sendInBatches(h2, counts(`${O2}-b`, 5, 1, 0), 5);
    expect(await resultOf(h2, 'order 2 confirmed')).toMatchObject({ phase: 'confirmed', confirmedGood: 10 });

    // Order 3: 2 of its units held by quality, then released.
    const h3 = await releaseOrder(O3);
    // Its first two units get serials assigned through the API; the counter numbers the rest.
    const assign = (role: Role, list: string[]) => api!.inject().post(`/orders/plant1/${O3}/serials`).headers(auth(role)).body({ serials: list });
    await eventually(async () => ((await assign('planner', ['SN-A1', 'SN-A2'])).statusCode === 201 ? true : undefined), 'serials assigned to order 3');
    expect((await assign('operator', ['SN-A3'])).statusCode).toBe(403);
    expect((await assign('planner', ['SN-A2'])).json()).toMatchObject({ status: 409, detail: expect.stringContaining('body.serials') });
    await sendInBatches(h3, counts(`${O3}-a`, 6, 1, 0), 6);
    await eventually(async () => ((await h3.query(statusQuery)).good === 6 ? true : undefined), 'order 3 counts');
    const held = await h3.executeUpdate(qualityHoldUpdate, { args: [{ quantity: 2, defectText: 'burr on the edge', requestedBy: 'qa' }] });
    const holdId = held.qualityHolds[0]!.id;
    await h3.executeUpdate(qualityDispositionUpdate, { args: [{ holdId, decision: 'release', requestedBy: 'qa' }] });
    await sendInBatches(h3, counts(`${O3}-b`, 4, 1, 0), 4);
    expect(await resultOf(h3, 'order 3 confirmed')).toMatchObject({ phase: 'confirmed', confirmedGood: 10 });

    // The faults did happen: failed posts and lost replies were retried and looked up.
    expect(engine.erpFaults.counts.error).toBeGreaterThan(0);
    expect(engine.erpFaults.counts['lose-reply']).toBeGreaterThan(0);
    // The ERP holds each order's SHEET-2MM issued under the batches FIFO gives, and nothing without a batch.
    expect(await issuedByBatch(O1)).toEqual({ 'S-A': 2_500 });
    expect(await issuedByBatch(O2)).toEqual({ 'S-A': 1_500, 'S-B': 1_000 });
    expect(await issuedByBatch(O3)).toEqual({ 'S-B': 2_500 });
    const staged = await api!.inject().get('/lines/plant1/line-2/batches').headers(auth('viewer'));
    expect((staged.json() as { batches: StagedBatchView[] }).batches.map((b) => [b.batch, b.remaining])).toEqual([['S-A', '0'], ['S-B', '96.5']]);

    // Forward: from each component batch to exactly the finished batches and serials that used it.
    const fromA = await genealogy('component-batches/SHEET-2MM/S-A');
    expect(fromA.orders.map((o) => [o.erpOrderId, o.batches, o.serials])).toEqual([[O1, [O1], serials(O1, 10)], [O2, [O2], serials(O2, 10)]]);
    const fromB = await genealogy('component-batches/SHEET-2MM/S-B');
    expect(fromB.orders.map((o) => [o.erpOrderId, o.batches, o.serials])).toEqual([[O2, [O2], serials(O2, 10)], [O3, [O3], ['SN-A1', 'SN-A2', ...serials(O3, 10).slice(2)]]]);
    expect(fromB.orders[1]!.quality).toEqual([expect.objectContaining({ id: holdId, quantity: 2, defectText: 'burr on the edge', disposition: 'release' })]);
    expect(fromB.orders[0]!.quality).toEqual([]);

    // Backward: from a finished serial and a finished batch to the component batches that went in.
    const ofSerial = await genealogy(`serials/BRACKET-A/${O2}-00007`);
    expect(ofSerial.orders).toEqual([expect.objectContaining({
      erpOrderId: O2, line: 'line-2', material: 'BRACKET-A', batches: [O2], serials: [`${O2}-00007`],
      components: [{ material: 'SHEET-2MM', batch: 'S-A', quantity: '1.5', unit: 'KG' }, { material: 'SHEET-2MM', batch: 'S-B', quantity: '1', unit: 'KG' }],
    })]);
    const ofBatch = await genealogy(`finished-batches/BRACKET-A/${O3}`);
    expect(ofBatch.orders.map((o) => [o.erpOrderId, o.components])).toEqual([[O3, [{ material: 'SHEET-2MM', batch: 'S-B', quantity: '2.5', unit: 'KG' }]]]);
    expect((await genealogy('serials/BRACKET-A/SN-A2')).orders.map((o) => [o.erpOrderId, o.serials])).toEqual([[O3, ['SN-A2']]]);
    expect((await genealogy('serials/BRACKET-A/1399999-00001')).orders).toEqual([]);
  });
});
