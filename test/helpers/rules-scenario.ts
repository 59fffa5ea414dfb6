import { MockActivityEnvironment } from '@temporalio/testing';
import { eq } from 'drizzle-orm';
import { createErpPostingActivities } from '../../activities/erp-postings.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workOrderWorkflowId } from '../../contracts/ids.js';
import { erpPostings } from '../../schema/index.js';
import { statusQuery } from '../../workflows/definitions.js';
import type { workOrderWorkflow } from '../../workflows/work-order.js';
import { eventually, startTestEngine, type TestEngine } from './engine.js';
import { counts, publishRelease, release, releasesSettled, SITE } from './orders.js';
import { sapDate } from '../../erp/s4hana/sap-fields.js';

/**
 * Issue 18's rules, dates and closed orders against one ERP (the simulator or the SAP double): a quantity the rules
 * refuse posts nothing; PostingDate is the plant's date fixed when the confirmation is decided, a closed period
 * follows the stated policy; a closed order released again is refused from the MES's own records.
 */
export function rulesScenario(erpKind: 'sim' | 's4hana', orderBase: number): void {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await startTestEngine({ erp: erpKind });
  });
  afterAll(async () => {
    await engine?.stop();
  });
  const handle = (id: string) => engine.services.client.workflow.getHandle<typeof workOrderWorkflow>(workOrderWorkflowId(SITE, id));
  const ledger = (id: string) => engine.services.db.select().from(erpPostings).where(eq(erpPostings.workflowId, workOrderWorkflowId(SITE, id)));

  describe(`rules, posting dates and closed orders against the ${erpKind === 'sim' ? 'ERP simulator' : 'SAP S/4HANA test double'}`, () => {
    it('posts nothing for a quantity the rules refuse: no 261, no 262, the order waits for a person (item 2)', async () => {
      const id = String(orderBase + 1);
      // 25 counted on an order of 20 with no over-delivery tolerance: the final confirmation of 25 is refused.
      await publishRelease(engine, release(id, '20', { confirmationPolicy: { goodsReceipt: true, overdeliveryTolerancePct: 0 } }), `release-${id}`);
      await releasesSettled(engine);
      const h = handle(id);
      await h.signal('productionCounts', { v: 1, events: counts(id, 25, 1, 0) });
      const parked = await eventually(async () => {
        const s = await h.query(statusQuery);
        return s.phase === 'exception' ? s : undefined;
      }, 'the order to wait in exception', 120_000);
      expect(parked.exception).toMatch(/confirmed yield 25 would exceed order quantity 20 \+ 0 % tolerance/);
      expect(parked.confirmedGood).toBe(0);
      // The ERP holds nothing for the order, and the MES ledger never sent a posting for it.
      expect(await engine.erp.listOrderPostings(id)).toEqual([]);
      expect(await ledger(id)).toEqual([]);
    });

    it('posts under the plant\'s date the workflow decided, and moves a closed period\'s posting into the first open one (item 3)', async () => {
      const acts = createErpPostingActivities({ erp: engine.erp, db: engine.services.db });
      const run = <I, O>(workflowId: string, fn: (input: I) => Promise<O>, input: I) =>
        new MockActivityEnvironment({ workflowExecution: { workflowId, runId: 'run-1' } }).run(fn, input);
      // 19:30 on 31 March in America/Chicago, decided by the workflow as the plant's date (contracts/plant-date.ts).
      const onTime = String(orderBase + 2);
      const wfOnTime = workOrderWorkflowId(SITE, onTime);
      const where = { erpOrderId: onTime, plant: '1010', storageLocation: '0002', postingDate: '2026-03-31' };
      await run(wfOnTime, acts.postGoodsIssue, { ...where, workflowId: wfOnTime, postingSeq: 2, items: [{ material: 'SCREW-M6', quantity: '8', unit: 'PC' }] });
      await run(wfOnTime, acts.postConfirmation, {
        workflowId: wfOnTime, postingSeq: 1, erpOrderId: onTime, operation: '0010', yieldQty: '2', scrapQty: '0', unit: 'PC', isFinal: true, postingDate: '2026-03-31',
      });
      const [conf] = (await engine.erp.listOrderPostings(onTime)).filter((p) => p.kind === 'confirmation');
      expect(conf).toMatchObject({ yieldQty: '2', postingDate: '2026-03-31' });

      // March is closed in the ERP: the confirmation and its 261 post on 1 April, the production's date kept.
      engine.erpFaults.set({ closedPeriods: ['2026-03'] });
      const late = String(orderBase + 3);
      const wfLate = workOrderWorkflowId(SITE, late);
      try {
        await run(wfLate, acts.postGoodsIssue, { ...where, erpOrderId: late, workflowId: wfLate, postingSeq: 2, items: [{ material: 'SCREW-M6', quantity: '8', unit: 'PC' }] });
        await run(wfLate, acts.postConfirmation, {
          workflowId: wfLate, postingSeq: 1, erpOrderId: late, operation: '0010', yieldQty: '2', scrapQty: '0', unit: 'PC', isFinal: true, postingDate: '2026-03-31',
        });
      } finally {
        engine.erpFaults.set({});
      }
      const held = await engine.erp.listOrderPostings(late);
      expect(held.filter((p) => p.kind === 'confirmation')).toEqual([expect.objectContaining({ yieldQty: '2', postingDate: '2026-04-01' })]);
      expect(held.filter((p) => p.kind === 'goods-movement')).toHaveLength(1);
      // Each key once in the ERP and posted in the MES's ledger: the refused first try committed nothing.
      for (const r of await ledger(late)) {
        expect(r.status).toBe('posted');
        expect(await engine.erp.findPostings(r.postingKey)).toHaveLength(1);
      }
      // Where the ERP keeps the production's date.
      if (engine.sap) {
        const c = engine.sap.store.confirmations.find((x) => x.OrderID === late)!;
        expect([c.PostingDate, c.ConfirmedExecutionEndDate]).toEqual([sapDate('2026-04-01'), sapDate('2026-03-31')]);
        const m = engine.sap.store.materialDocuments.find((d) => d.to_MaterialDocumentItem.results[0]?.ManufacturingOrder === late)!;
        expect([m.PostingDate, m.DocumentDate]).toEqual([sapDate('2026-04-01'), sapDate('2026-03-31')]);
      } else {
        const sim = (await (await fetch(`${engine.services.erpSimUrl}/api/postings?erpOrderId=${late}`)).json()) as { postings: Array<{ kind: string; postingDate: string; documentDate: string }> };
        expect(sim.postings.map((p) => [p.kind, p.postingDate, p.documentDate])).toEqual([['goods-movement', '2026-04-01', '2026-03-31'], ['confirmation', '2026-04-01', '2026-03-31']]);
      }
    });
  });
}
