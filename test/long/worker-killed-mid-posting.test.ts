import path from 'node:path';
import { and, eq, inArray } from 'drizzle-orm';
import { freePort } from '../../stack/free-port.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workOrderWorkflowId } from '../../contracts/ids.js';
import { erpPostings, unassignedProduction, workOrders } from '../../schema/index.js';
import { reconcileOrder } from '../../services/reconciliation/reconcile.js';
import { soakErp } from '../../soak/erp.js';
import { enginePart } from '../../soak/parts.js';
import { Supervisor } from '../../soak/supervisor.js';
import { projectRoot } from '../../stack/paths.js';
import type { workOrderWorkflow } from '../../workflows/work-order.js';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { BOM, sums } from '../helpers/erp-scenario.js';
import { counts, publishRelease, release, releasesSettled, sendInBatches, SITE } from '../helpers/orders.js';
import { resultOf } from '../helpers/workflow-result.js';

/**
 * The ERP holds every post this long before it commits it: time to freeze the worker with the post in flight, so the
 * ERP commits while the worker cannot take the answer. Well under the workflow task's 10 s timeout, so a posting run
 * inside the task (the old local first attempt) is still in that open task when the worker dies.
 */
const LATE_COMMIT_MS = 4_000;
/** The worker stays dead this long after the SIGKILL: the counts of the downtime reach the server meanwhile. */
const DOWN_MS = 5_000;
/**
 * The killed attempt stays started until its 30 s start-to-close timeout (workflows/activity-options.ts ERP_CALLS),
 * then the new worker retries it; a reused key retries without end, so the wait needs its own bound.
 */
const CONFIRMED_WITHIN_MS = 90_000;
const ORDER = '1700001';
const WORKER = 'worker';

/** Good pieces of counts or of late-count rows. */
const goodOf = (rows: Array<{ good: number }>) => rows.reduce((s, r) => s + r.good, 0);

describe('the Temporal worker process SIGKILLed while a confirmation posting is in flight', () => {
  let engine: TestEngine;
  let workers: Supervisor | undefined;

  beforeAll(async () => {
    engine = await startTestEngine({ worker: false });
    workers = new Supervisor(engine.dataDir, process.env);
    // The worker's environment as the soak and production run it; of the ports, it reads only the ERP simulator's.
    const plantFile = path.join(projectRoot, 'seed', 'demo-plant.yaml');
    const erpSim = Number(new URL(engine.services.erpSimUrl).port);
    const spec = enginePart({ stack: engine.stack, dataDir: engine.dataDir, plantFile, erp: soakErp('sim', erpSim), ports: { api: 0, bridge: 0, edge: 0, metrics: { worker: await freePort(), temporal: await freePort(), api: 0, listener: 0 } } }).find((p) => p.name === WORKER)!;
    workers.add({ ...spec, env: { ...spec.env, MES_PLANT_FILE: plantFile } });
    workers.startAll();
  });

  afterAll(async () => {
    try {
      // SIGKILL, not the supervisor's SIGTERM: a worker frozen (SIGSTOP) by a failed run would never stop on its own.
      for (const pid of workers?.pids() ?? []) process.kill(pid, 'SIGKILL');
      await workers?.stopAll();
    } finally {
      await engine?.stop();
    }
  });

  it('the ERP gets each posting once, the counts of the downtime are kept as late counts, and nothing is lost', async () => {
    const workflowId = workOrderWorkflowId(SITE, ORDER);
    const db = engine.services.db;
    engine.erpFaults.set({ lateCommitRate: 1, lateCommitMs: LATE_COMMIT_MS });
    // A tolerance above what the downtime adds: a workflow that wrongly confirms those counts too must reach the ERP
    // with them (a reused key), not be refused by the over-delivery rule first.
    await publishRelease(engine, release(ORDER, '30', { confirmationPolicy: { goodsReceipt: true, overdeliveryTolerancePct: 50 } }), `release-${ORDER}`);
    await releasesSettled(engine);
    await eventually(async () => ((await db.select().from(workOrders).where(eq(workOrders.workflowId, workflowId))).length > 0 ? true : undefined),
      'the worker process to run the order', 90_000);
    const h = engine.services.client.workflow.getHandle<typeof workOrderWorkflow>(workflowId);
    const beforeKill = counts(ORDER, 15, 2, 0);
    await sendInBatches(h, beforeKill, 5); // the planned quantity: the final confirmation starts

    // The first posting of the saga (the 261) is in the ERP's hands: freeze the worker so it cannot take the answer.
    await eventually(async () => (engine.erpFaults.counts['late-commit'] > 0 ? true : undefined), 'the ERP to take the backflush', 60_000);
    const [pid] = workers!.pids();
    process.kill(pid!, 'SIGSTOP');
    expect(await engine.erp.listOrderPostings(ORDER)).toEqual([]);
    const [issue] = await eventually(async () => {
      const docs = await engine.erp.listOrderPostings(ORDER);
      return docs.length > 0 ? docs : undefined;
    }, 'the ERP to commit the backflush', 30_000);
    expect(issue).toMatchObject({ kind: 'goods-movement', movementType: '261' });
    // Committed in the ERP, unanswered on our side: the MES ledger still has the post open.
    const [open] = await db.select().from(erpPostings).where(and(eq(erpPostings.workflowId, workflowId), eq(erpPostings.postingKey, issue!.reference!)));
    expect(open).toMatchObject({ kind: 'goods-issue', status: 'pending', attempts: 1 });

    const restarted = workers!.kill(WORKER, DOWN_MS);
    await eventually(async () => (workers!.pids().length === 0 ? true : undefined), 'the worker process to die');
    engine.erpFaults.set({});
    const whileDown = counts(`${ORDER}-down`, 3, 2, 0);
    await sendInBatches(h, whileDown, 3);
    // The counts must have reached the server before any worker could take them.
    expect(workers!.pids()).toEqual([]);
    await restarted;

    const done = await resultOf(h, 'the final confirmation after the worker came back', CONFIRMED_WITHIN_MS);
    expect(done).toMatchObject({ phase: 'confirmed', exception: null });

    // The ERP's own books: one document per key, the confirmed yield and what it consumed and received, once.
    const docs = await engine.erp.listOrderPostings(ORDER);
    const keys = docs.map((d) => d.reference);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    const s = sums(docs);
    expect(s).toMatchObject({ confirmations: 1, finals: 1, issues: 1, reversals: 0, yield: done.confirmedGood, received: done.confirmedGood });
    expect(s.sheet).toBeCloseTo(done.confirmedGood * BOM['SHEET-2MM'], 6);
    expect(s.screws).toBe(done.confirmedGood * BOM['SCREW-M6']);
    expect(docs.filter((d) => d.movementType === '261')).toEqual([issue]); // the document committed during the freeze stands

    // Every key of our ledger posted, found once, and none refused for other content under it (PostingKeyReused).
    const rows = await db.select().from(erpPostings).where(eq(erpPostings.workflowId, workflowId));
    expect(rows.map((r) => r.kind).sort()).toEqual(['confirmation', 'goods-issue', 'goods-receipt']);
    for (const r of rows) {
      const found = await engine.erp.findPostings(r.postingKey);
      expect([r.postingKey, r.status, r.lastError, found.length]).toEqual([r.postingKey, 'posted', null, 1]);
    }
    // The frozen attempt never answered; a later one, on the new worker, found its document.
    expect(rows.find((r) => r.kind === 'goods-issue')!.attempts).toBeGreaterThanOrEqual(2);
    expect((await reconcileOrder({ client: engine.services.client, db, erp: engine.erp }, SITE, ORDER)).differences).toEqual([]);

    // Nothing lost, nothing twice: every piece counted is confirmed or kept as a late count. The final confirmation was
    // decided before the kill, so the downtime's counts are exactly the late ones.
    const late = await db.select().from(unassignedProduction)
      .where(inArray(unassignedProduction.eventId, [...beforeKill, ...whileDown].map((e) => e.eventId)));
    expect(late.map((r) => r.eventId).sort()).toEqual(whileDown.map((e) => e.eventId).sort());
    expect(late.every((r) => r.reason === 'order-closed')).toBe(true);
    expect(done.confirmedGood + goodOf(late))
      .toBe(goodOf([...beforeKill, ...whileDown]));
    expect(done.confirmedGood).toBe(goodOf(beforeKill));
  });
});
