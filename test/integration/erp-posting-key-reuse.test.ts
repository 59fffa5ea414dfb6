import { MockActivityEnvironment } from '@temporalio/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createErpPostingActivities, PostingKeyReused, type ConfirmationPostingInput } from '../../activities/erp-postings.js';
import type { PostOnceResult } from '../../erp/post-once.js';
import { workOrderWorkflowId } from '../../contracts/ids.js';
import { erpPostings } from '../../schema/index.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';

// Found by the chaos soak (README, Chaos soak, known defect): a worker killed while a posting's first attempt (a local
// activity) had committed, before its workflow task completed; the replayed task decided another yield under the
// same posting number, and the look-up by key returned the first document as if it were the second.
describe('a posting key asked for again with other content', () => {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await startTestEngine({ bridge: false });
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('is neither posted nor taken as the first document: the ERP keeps one confirmation and the failure names both', async () => {
    const acts = createErpPostingActivities({ erp: engine.erp, db: engine.services.db });
    const erpOrderId = '7300001';
    const workflowId = workOrderWorkflowId('plant1', erpOrderId);
    const run = (attempt: number, input: ConfirmationPostingInput): Promise<PostOnceResult> =>
      new MockActivityEnvironment({ attempt, workflowExecution: { workflowId, runId: 'run-1' } }).run(acts.postConfirmation, input);
    const confirmation = (yieldQty: string): ConfirmationPostingInput => ({
      workflowId, postingSeq: 6, erpOrderId, operation: '0010', yieldQty, scrapQty: '0', unit: 'PC', isFinal: false, postingDate: '2026-03-31',
    });

    const first = await run(1, confirmation('11'));
    // The replayed workflow task decides 14 under the same number: refused, retryably, naming both requests.
    const err = await run(1, confirmation('14')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PostingKeyReused);
    expect((err as Error).message).toMatch(/"yieldQty":"11".*"yieldQty":"14"/);

    const ledger = (await engine.erp.listOrderPostings(erpOrderId)).filter((p) => p.kind === 'confirmation');
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ yieldQty: '11', document: first.document });
    const [row] = await engine.services.db.select().from(erpPostings).where(eq(erpPostings.postingKey, `${workflowId}#6`));
    expect(row).toMatchObject({ status: 'posted', erpDocument: first.document });
    expect(row!.lastError).toMatch(/first sent with other content/);

    // A true retry (the same content) is still answered with the first document, once.
    const again = await run(2, confirmation('11'));
    expect(again.document).toBe(first.document);
    expect((await engine.erp.listOrderPostings(erpOrderId)).filter((p) => p.kind === 'confirmation')).toHaveLength(1);
  });

  it('takes other content under a key the ERP refused: nothing stands under it, so a person\'s retry posts what the order has now', async () => {
    const acts = createErpPostingActivities({ erp: engine.erp, db: engine.services.db });
    const erpOrderId = '7300002';
    const workflowId = workOrderWorkflowId('plant1', erpOrderId);
    const run = (attempt: number, input: ConfirmationPostingInput): Promise<PostOnceResult> =>
      new MockActivityEnvironment({ attempt, workflowExecution: { workflowId, runId: 'run-1' } }).run(acts.postConfirmation, input);
    const confirmation = (yieldQty: string): ConfirmationPostingInput => ({
      workflowId, postingSeq: 4, erpOrderId, operation: '0010', yieldQty, scrapQty: '0', unit: 'PC', isFinal: false, postingDate: '2026-03-31',
    });
    // The ERP refuses the partial (the order is locked); the line goes on counting while it waits for a person.
    engine.erpFaults.set({ rejectOrders: [erpOrderId] });
    const refused = await run(1, confirmation('10')).catch((e: unknown) => e);
    expect(String((refused as Error).message)).toMatch(/locked by user BOB/);
    engine.erpFaults.set({});
    // The person's retry decides the confirmation again, with the units counted meanwhile.
    const posted = await run(1, confirmation('13'));
    const ledger = (await engine.erp.listOrderPostings(erpOrderId)).filter((p) => p.kind === 'confirmation');
    expect(ledger.map((p) => [p.yieldQty, p.document])).toEqual([['13', posted.document]]);
    const [row] = await engine.services.db.select().from(erpPostings).where(eq(erpPostings.postingKey, `${workflowId}#4`));
    expect(row).toMatchObject({ status: 'posted', erpDocument: posted.document, request: expect.objectContaining({ yieldQty: '13' }) });
  });
});
