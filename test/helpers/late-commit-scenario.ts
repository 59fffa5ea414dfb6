import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workOrderWorkflowId } from '../../contracts/ids.js';
import { erpPostings } from '../../schema/index.js';
import { reconcileOrder } from '../../services/reconciliation/reconcile.js';
import type { workOrderWorkflow } from '../../workflows/work-order.js';
import { startTestEngine, type TestEngine } from './engine.js';
import { BOM, sums } from './erp-scenario.js';
import { counts, publishRelease, release, releasesSettled, sendInBatches, SITE } from './orders.js';
import { resultOf } from './workflow-result.js';

/**
 * The worker's adapter gives up after 8 s; the ERP commits a late post 9 s after it received it; the commit window is
 * 3 s after the adapter gave up, so the next look-up comes 11 s after the post at the earliest, after the commit.
 */
const ERP_TIMING = { timeoutMs: 8_000, commitWindowMs: 3_000 };
const LATE_COMMIT_MS = 9_000;

/**
 * An ERP (the simulator or the SAP double) that commits every post seconds after the worker stopped waiting for it,
 * after the look-up of the next attempt would have found nothing: the order confirms with one document per key.
 */
export function lateCommitScenario(erpKind: 'sim' | 's4hana', orderBase: number): void {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await startTestEngine({ erp: erpKind, erpTiming: ERP_TIMING });
  });
  afterAll(async () => {
    await engine?.stop();
  });

  describe(`late commits against the ${erpKind === 'sim' ? 'ERP simulator' : 'SAP S/4HANA test double'}`, () => {
    it('a post the ERP commits seconds after the worker gave up is found by the next attempt, never posted twice', async () => {
      const id = String(orderBase + 1);
      engine.erpFaults.set({ lateCommitRate: 1, lateCommitMs: LATE_COMMIT_MS });
      await publishRelease(engine, release(id, '30', { confirmationPolicy: { goodsReceipt: true, overdeliveryTolerancePct: 0 } }), `release-${id}`);
      await releasesSettled(engine);
      const h = engine.services.client.workflow.getHandle<typeof workOrderWorkflow>(workOrderWorkflowId(SITE, id));
      await sendInBatches(h, counts(id, 15, 2, 0), 5);
      expect(await resultOf(h)).toMatchObject({ phase: 'confirmed', confirmedGood: 30, exception: null });
      engine.erpFaults.set({});
      expect(engine.erpFaults.counts['late-commit']).toBeGreaterThanOrEqual(3); // 261, confirmation, 101
      const s = sums(await engine.erp.listOrderPostings(id));
      expect(s).toMatchObject({ confirmations: 1, finals: 1, yield: 30, issues: 1, reversals: 0, sheet: 30 * BOM['SHEET-2MM'], screws: 30 * BOM['SCREW-M6'], received: 30 });
      const rows = await engine.services.db.select().from(erpPostings).where(eq(erpPostings.workflowId, workOrderWorkflowId(SITE, id)));
      for (const r of rows) {
        expect([r.postingKey, r.status, (await engine.erp.findPostings(r.postingKey)).length]).toEqual([r.postingKey, 'posted', 1]);
        expect(r.attempts).toBeGreaterThanOrEqual(2); // the first attempt gave up; a later one found the late commit
      }
      expect((await reconcileOrder({ client: engine.services.client, db: engine.services.db, erp: engine.erp }, SITE, id)).differences).toEqual([]);
    });
  });
}
