import { jetstreamManager } from '@nats-io/jetstream';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workOrderWorkflowId } from '../../contracts/ids.js';
import { PostingList } from '../../contracts/messages/erp-rest.js';
import { OPS_EXCEPTIONS_STREAM } from '../../contracts/streams.js';
import { erpPostings, workOrders } from '../../schema/index.js';
import { completeOrderSignal, statusQuery } from '../../workflows/definitions.js';
import type { workOrderWorkflow } from '../../workflows/work-order.js';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { counts, publishRelease as publishReleaseTo, release, releasesSettled as settled, sendInBatches, SITE } from '../helpers/orders.js';
import { resultOf } from '../helpers/workflow-result.js';

let engine: TestEngine;

beforeAll(async () => {
  // The acceptance condition of the foundation: 30 % of posts fail, 10 % commit and lose their reply (seeded).
  engine = await startTestEngine({ faults: { errorRate: 0.3, replyLossRate: 0.1, seed: 6 } });
});
afterAll(async () => {
  await engine?.stop();
});

const publishRelease = (payload: unknown, msgID: string) => publishReleaseTo(engine, payload, msgID);
const releasesSettled = () => settled(engine);

async function ledgerFor(erpOrderId: string) {
  const res = await fetch(`${engine.services.erpSimUrl}/api/postings?erpOrderId=${erpOrderId}`);
  return PostingList.parse(await res.json()).postings;
}

describe('release to final confirmation, against real servers with a faulty ERP', () => {
  it('starts one workflow per order however often ERP releases it', async () => {
    const r = release('1000123', '500');
    await publishRelease(r, 'release-a');
    await publishRelease(r, 'release-a'); // same message id: the stream drops it
    await publishRelease({ ...r, releasedAt: '2026-01-05T06:05:00Z' }, 'release-b'); // a real second release
    await releasesSettled();
    const workflowId = workOrderWorkflowId(SITE, '1000123');
    const runs = await eventually(async () => {
      const found = [];
      for await (const w of engine.services.client.workflow.list({ query: `ErpOrderId = '1000123'` })) found.push(w);
      return found.length > 0 ? found : undefined;
    }, 'the order to be visible by its ErpOrderId');
    expect(runs.map((w) => w.workflowId)).toEqual([workflowId]);
    const status = await engine.services.client.workflow.getHandle(workflowId).query(statusQuery);
    expect(status).toMatchObject({ phase: 'released', good: 0, plannedQuantity: '500' });
  });

  it('confirms exactly the counted quantity once, with duplicates in the counts and faults at the ERP', async () => {
    const orders = ['1000201', '1000202', '1000203', '1000204', '1000205', '1000206'];
    for (const id of orders) await publishRelease(release(id, '100'), `release-${id}`);
    await releasesSettled();
    await Promise.all(
      orders.map(async (id) => {
        const h = engine.services.client.workflow.getHandle<typeof workOrderWorkflow>(workOrderWorkflowId(SITE, id));
        const events = counts(id, 40, 2, 1); // 80 good, 40 scrap
        await sendInBatches(h, events, 7);
        await sendInBatches(h, events.slice(10, 25), 5); // redelivered events: must be dropped
        const mid = await h.query(statusQuery);
        expect(mid).toMatchObject({ phase: 'running', good: 80, scrap: 40, eventsApplied: 40, duplicatesDropped: 15 });
        await sendInBatches(h, counts(`${id}-b`, 10, 2, 0), 10); // reaches 100: the order completes itself
        const done = await resultOf(h);
        expect(done).toMatchObject({ phase: 'confirmed', good: 100, scrap: 40 });
        // BRACKET-A has a BOM in the seeded plant: the confirmation comes with its backflush (261), posted first.
        const ledger = await ledgerFor(id);
        expect(ledger).toHaveLength(2);
        expect(ledger[0]).toMatchObject({ kind: 'goods-movement', movementType: '261', items: [
          { material: 'SHEET-2MM', quantity: '25', unit: 'KG' }, { material: 'SCREW-M6', quantity: '400', unit: 'PC' }] });
        expect(ledger[1]).toMatchObject({ kind: 'confirmation', yieldQty: '100', scrapQty: '40', isFinal: true, document: done.confirmationDocument });
        const [mes] = await engine.services.db.select().from(erpPostings)
          .where(and(eq(erpPostings.workflowId, h.workflowId), eq(erpPostings.postingSeq, 1)));
        expect(mes).toMatchObject({ status: 'posted', erpDocument: done.confirmationDocument, postingKey: `${h.workflowId}#1` });
        const [row] = await engine.services.db.select().from(workOrders).where(eq(workOrders.workflowId, h.workflowId));
        expect(row).toMatchObject({ status: 'confirmed', goodQuantity: 100, scrapQuantity: 40 });
      }),
    );
    const { counts: injected } = engine.services.erpSim.app.faults;
    expect(injected.ok + injected.error + injected['lose-reply']).toBeGreaterThanOrEqual(12);
    expect(injected.error).toBeGreaterThan(0);
    expect(injected['lose-reply']).toBeGreaterThan(0);
  });

  it('completes on a signal with the partial quantity, and never double-posts after a lost reply', async () => {
    await publishRelease(release('1000300', '1000'), 'release-1000300');
    await releasesSettled();
    const h = engine.services.client.workflow.getHandle<typeof workOrderWorkflow>(workOrderWorkflowId(SITE, '1000300'));
    await sendInBatches(h, counts('1000300', 30, 3, 0), 30);
    // Every post now commits and loses its reply, until we heal the ERP.
    engine.services.erpSim.app.faults.set({ replyLossRate: 1 });
    await h.signal(completeOrderSignal, { reason: 'operator', requestedBy: 'shift-lead' });
    await eventually(async () => ((await ledgerFor('1000300')).length > 0 ? true : undefined), 'the ERP to commit');
    await eventually(async () => {
      const rows = await engine.services.db.select().from(erpPostings).where(eq(erpPostings.workflowId, h.workflowId));
      return rows.some((r) => r.attempts >= 2) ? true : undefined;
    }, 'a retry after the lost reply');
    engine.services.erpSim.app.faults.set({ errorRate: 0.3, replyLossRate: 0.1, seed: 11 });
    const done = await resultOf(h);
    expect(done).toMatchObject({ phase: 'confirmed', good: 90 });
    const ledger = await ledgerFor('1000300');
    expect(ledger.map((p) => p.movementType ?? p.kind)).toEqual(['261', 'confirmation']);
    expect(ledger[0]!.items).toEqual([{ material: 'SHEET-2MM', quantity: '22.5', unit: 'KG' }, { material: 'SCREW-M6', quantity: '360', unit: 'PC' }]);
    expect(ledger[1]).toMatchObject({ yieldQty: '90', isFinal: true, document: done.confirmationDocument });
  });

  it('terminates a malformed release with the bad field named, and keeps consuming', async () => {
    await publishRelease({ ...release('1000400', '10'), quantity: 'ten' }, 'release-bad');
    await publishRelease(release('1000401', '10'), 'release-after-bad');
    await releasesSettled();
    const jsm = await jetstreamManager(engine.services.nc);
    const msg = await eventually(
      async () => jsm.streams.getMessage(OPS_EXCEPTIONS_STREAM, { last_by_subj: `ops.${SITE}.exception.erp-listener` }).catch(() => undefined),
      'the exception message',
    );
    const exception = msg!.json<{ reason: string }>();
    expect(exception.reason).toMatch(/quantity: must be a decimal string/);
    const next = await engine.services.client.workflow.getHandle(workOrderWorkflowId(SITE, '1000401')).query(statusQuery);
    expect(next.phase).toBe('released');
    await expect(engine.services.client.workflow.getHandle(workOrderWorkflowId(SITE, '1000400')).describe()).rejects.toThrow(/not found/i);
  });
});
