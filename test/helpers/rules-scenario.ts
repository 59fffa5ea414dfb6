import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workOrderWorkflowId } from '../../contracts/ids.js';
import { erpPostings } from '../../schema/index.js';
import { statusQuery } from '../../workflows/definitions.js';
import type { workOrderWorkflow } from '../../workflows/work-order.js';
import { eventually, startTestEngine, type TestEngine } from './engine.js';
import { counts, publishRelease, release, releasesSettled, SITE } from './orders.js';

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
  });
}
