import { jetstream } from '@nats-io/jetstream';
import { WorkflowNotFoundError } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { buildPlannerApi } from '../../api/app.js';
import { issueToken } from '../../api/auth.js';
import { signWebhook } from '../../api/routes/erp-webhook.js';
import { publishRefusedRelease } from '../../services/release-check.js';
import { NAMESPACE_RETENTION_DAYS } from '../../stack/temporal.js';
import { resultOf } from './workflow-result.js';
import { eq } from 'drizzle-orm';
import { createErpPostingActivities } from '../../activities/erp-postings.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workOrderWorkflowId } from '../../contracts/ids.js';
import { erpPostings } from '../../schema/index.js';
import { statusQuery } from '../../workflows/definitions.js';
import type { workOrderWorkflow } from '../../workflows/work-order.js';
import { eventually, startTestEngine, type TestEngine } from './engine.js';
import { exceptionAfter, exceptionNow, forgetfulTemporal } from './exceptions.js';
import { counts, publishRelease, release, releasesSettled, SITE } from './orders.js';
import { sapDate } from '../../erp/s4hana/sap-fields.js';

/**
 * Issue 18's rules, dates and closed orders against one ERP (the simulator or the SAP double): a quantity the rules
 * refuse posts nothing; PostingDate is the plant's date fixed when the confirmation is decided, a closed period
 * follows the stated policy; a closed order released again is refused from the MES's own records.
 */
export function rulesScenario(erpKind: 'sim' | 's4hana', orderBase: number): void {
  let engine: TestEngine;
  let api: FastifyInstance;
  let token: string;
  const SECRET = 'rules-scenario-webhook-secret';
  beforeAll(async () => {
    engine = await startTestEngine({ erp: erpKind });
    const { db, client, nc } = engine.services;
    api = await buildPlannerApi({ db, client, webhookSecret: SECRET, reportRefusedRelease: (r, x) => publishRefusedRelease(jetstream(nc), 'erp-webhook', r, x) });
    token = await issueToken(db, 'rules-planner', 'planner');
  });
  afterAll(async () => {
    await api?.close();
    await engine?.stop();
  });
  const postOrder = (body: object) => api.inject().post('/orders').headers({ authorization: `Bearer ${token}` }).body(body);
  const lastException = (stage: string, after = 0) => exceptionAfter(engine, stage, after);
  const neverStarted = async (id: string) => expect(handle(id).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  const handle = (id: string) => engine.services.client.workflow.getHandle<typeof workOrderWorkflow>(workOrderWorkflowId(SITE, id));
  const ledger = (id: string) => engine.services.db.select().from(erpPostings).where(eq(erpPostings.workflowId, workOrderWorkflowId(SITE, id)));

  if (erpKind === 'sim')
    describe('releases the MES cannot place (item 0e)', () => {
      it('refuses an unknown line or material over the API with 422 naming the field and what is known', async () => {
        const line = await postOrder(release(String(orderBase + 20), '10', { line: 'line-9' }));
        expect(line.statusCode).toBe(422);
        expect(line.json().detail).toMatch(/body\.line: no line line-9 in site plant1 \(known: line-1, line-2\)/);
        const material = await postOrder(release(String(orderBase + 21), '10', { material: 'NOPE-X' }));
        expect(material.statusCode).toBe(422);
        expect(material.json().detail).toMatch(/body\.material: material NOPE-X is not in the plant file .*\(known: BRACKET-A, SCREW-M6, SHEET-2MM\)/);
        const site = await postOrder(release(String(orderBase + 22), '10', { site: 'plant9' }));
        expect(site.json()).toMatchObject({ status: 422, detail: expect.stringMatching(/body\.site: no site plant9 in the plant file \(known: plant1\)/) });
        for (const id of [20, 21]) await neverStarted(String(orderBase + id));
      });

      it('starts a material the plant file does not know when the release carries the order\'s own components (201); they are its BOM', async () => {
        const id = String(orderBase + 25);
        const components = [{ material: 'SCREW-M6', requiredQty: '40', unit: 'PC', reservation: { reservation: '0000600025', reservationItem: '0001' } }];
        const r = await postOrder(release(id, '10', { material: 'NOPE-X', components }));
        expect([r.statusCode, r.json()]).toEqual([201, expect.objectContaining({ started: true, workflowId: workOrderWorkflowId(SITE, id) })]);
        const s = await eventually(async () => (await handle(id).query(statusQuery)).context ?? undefined, 'the order to load its context');
        expect(s.bom).toEqual([{ component: 'SCREW-M6', quantityPer: '4', unit: 'PC', reservation: components[0]!.reservation }]);
        // The site's time zone reaches it as for any release: its postings carry the plant's date.
        expect(s.timezone).toBe('Europe/Berlin');
        // It confirms with the backflush of those components, not without one.
        const h = handle(id);
        await h.signal('productionCounts', { v: 1, events: counts(id, 10, 1, 0) });
        expect(await resultOf(h)).toMatchObject({ phase: 'confirmed', confirmedGood: 10 });
        const issued = (await engine.erp.listOrderPostings(id)).filter((p) => p.kind === 'goods-movement');
        expect(issued).toEqual([expect.objectContaining({ movementType: '261', items: [expect.objectContaining({ material: 'SCREW-M6', quantity: '40', reservation: components[0]!.reservation })] })]);
      });

      it('routes the same release over NATS and over the ERP webhook to the exceptions stream, never to a silent order', async () => {
        const viaNats = String(orderBase + 23);
        await publishRelease(engine, release(viaNats, '10', { line: 'line-9' }), `release-${viaNats}`);
        await releasesSettled(engine);
        const fromListener = await lastException('erp-listener');
        expect(fromListener.body).toMatchObject({ refusal: { kind: 'unplaceable' }, release: { erpOrderId: viaNats } });
        expect(fromListener.body.reason).toMatch(/body\.line: no line line-9/);
        const viaWebhook = String(orderBase + 24);
        const body = JSON.stringify(release(viaWebhook, '10', { material: 'NOPE-X' }));
        const ts = Math.floor(Date.now() / 1000);
        const r = await api.inject().post('/webhooks/erp/order-released')
          .headers({ 'content-type': 'application/json', 'x-mes-timestamp': String(ts), 'x-mes-signature': signWebhook(SECRET, ts, body) }).body(body);
        expect(r.statusCode).toBe(422);
        const fromWebhook = await lastException('erp-webhook');
        expect(fromWebhook.body).toMatchObject({ refusal: { kind: 'unplaceable' }, release: { erpOrderId: viaWebhook } });
        expect(fromWebhook.body.reason).toMatch(/body\.material: material NOPE-X/);
        for (const id of [viaNats, viaWebhook]) await neverStarted(id);
      });
    });

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

    it('refuses a closed order released again from the MES\'s own records, whatever Temporal retains (item 7)', async () => {
      const id = String(orderBase + 4);
      await publishRelease(engine, release(id, '10', { confirmationPolicy: { goodsReceipt: false, overdeliveryTolerancePct: 0 } }), `release-${id}`);
      await releasesSettled(engine);
      const h = handle(id);
      await h.signal('productionCounts', { v: 1, events: counts(id, 10, 1, 0) });
      expect(await resultOf(h)).toMatchObject({ phase: 'confirmed', confirmedGood: 10 });
      const before = await engine.erp.listOrderPostings(id);
      const closedRun = (await h.describe()).runId;
      // The stack sets the namespace's retention explicitly.
      const ns = await engine.services.client.workflowService.describeNamespace({ namespace: engine.stack.temporal.namespace });
      expect(Number(ns.config?.workflowExecutionRetentionTtl?.seconds)).toBe(NAMESPACE_RETENTION_DAYS * 86_400);

      // Released again with a new quantity: over the API a 409 naming the order and its recorded end...
      const again = await postOrder(release(id, '25'));
      expect(again.statusCode).toBe(409);
      expect(again.json().detail).toMatch(new RegExp(`order ${id} of site plant1 is closed in the MES's records \\(confirmed at \\d{4}-\\d{2}-\\d{2}T`));
      // ...decided from PostgreSQL alone: an API whose Temporal knows nothing (a run forgotten after the retention)
      // answers the same, without asking Temporal at all.
      const noTemporal = await buildPlannerApi({ db: engine.services.db, client: forgetfulTemporal() });
      try {
        const r = await noTemporal.inject().post('/orders').headers({ authorization: `Bearer ${token}` }).body(release(id, '25'));
        expect([r.statusCode, r.json().detail]).toEqual([409, again.json().detail]);
      } finally {
        await noTemporal.close();
      }
      // ...over NATS an exception a person sees, with the same reason.
      const seen = (await exceptionNow(engine, 'erp-listener'))?.seq ?? 0;
      await publishRelease(engine, release(id, '25'), `release-again-${id}`);
      await releasesSettled(engine);
      const ex = await lastException('erp-listener', seen);
      expect(ex.body).toMatchObject({ refusal: { kind: 'closed' }, release: { erpOrderId: id } });
      // Still the one closed run, and nothing new in the ERP.
      expect(await h.describe()).toMatchObject({ runId: closedRun, status: { name: 'COMPLETED' } });
      expect(await engine.erp.listOrderPostings(id)).toEqual(before);
    });
  });
}
