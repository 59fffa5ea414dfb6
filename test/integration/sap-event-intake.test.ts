import { readFile } from 'node:fs/promises';
import { buildPlannerApi } from '../../api/app.js';
import { issueToken } from '../../api/auth.js';
import { jetstream } from '@nats-io/jetstream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workOrderWorkflowId } from '../../contracts/ids.js';
import { erpReleaseSubject } from '../../contracts/names.js';
import { reconcileOrder } from '../../services/reconciliation/reconcile.js';
import { publishRefusedRelease, type ReportRefusedRelease } from '../../services/release-check.js';
import { SapReleasePoller } from '../../services/sap-release-poller.js';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createErpPostingActivities } from '../../activities/erp-postings.js';
import { plantDate } from '../../contracts/plant-date.js';
import { sapDate } from '../../erp/s4hana/sap-fields.js';
import { statusQuery } from '../../workflows/definitions.js';
import type { workOrderWorkflow } from '../../workflows/work-order.js';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { counts, releasesSettled, sendInBatches, SITE } from '../helpers/orders.js';
import { addSapOrder } from '../helpers/sap-orders.js';
import { resultOf } from '../helpers/workflow-result.js';
import { exceptionAfter, exceptionNow, forgetfulTemporal } from '../helpers/exceptions.js';

const fixture = new URL('../fixtures/erp/s4hana/production-order-released.event.json', import.meta.url);

/**
 * Releases that come from SAP itself (issue 18, item 6 and its "done when"): the engine posts to the SAP double over
 * HTTP, with real Temporal, PostgreSQL and NATS; the double serves the production order API.
 */
describe('orders released in SAP', () => {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await startTestEngine({ erp: 's4hana' });
  });
  afterAll(async () => {
    await engine?.stop();
  });
  const handle = (id: string) => engine.services.client.workflow.getHandle<typeof workOrderWorkflow>(workOrderWorkflowId(SITE, id));
  /** The poller's refusals go where the processes send them (workers/erp-listener.ts): the exceptions stream. */
  const toPoller: ReportRefusedRelease = (release, refusal) => publishRefusedRelease(jetstream(engine.services.nc), 'sap-poller', release, refusal);
  const lastSeq = async (stage: string) => (await exceptionNow(engine, stage))?.seq ?? 0;
  const eventFor = async (order: string, id: string) => JSON.stringify({ ...(JSON.parse(await readFile(fixture, 'utf8')) as object), id, data: { ProductionOrder: order } });

  it('a released-order business event starts the order once; it confirms with backflush against its own reservations', async () => {
    const sap = engine.sap!;
    addSapOrder(sap.store, '1300001', 120, '0000500001');
    const event = await readFile(fixture, 'utf8');
    // Delivered twice (Event Mesh delivers at least once): one order.
    const js = jetstream(engine.services.nc);
    await js.publish(erpReleaseSubject(SITE), event, { msgID: 'sap-event-1' });
    await js.publish(erpReleaseSubject(SITE), event, { msgID: 'sap-event-1-redelivered' });
    await releasesSettled(engine);
    const h = handle('1300001');
    const started = await h.query(statusQuery);
    expect(started).toMatchObject({ phase: 'released', plannedQuantity: '120', unit: 'PC', line: 'line-2', operation: '0010' });
    expect(started.context?.bom).toEqual([
      { component: 'SHEET-2MM', quantityPer: '0.25', unit: 'KG', reservation: { reservation: '0000500001', reservationItem: '0001' }, storageLocation: '0003', batch: 'B-7' },
      { component: 'SCREW-M6', quantityPer: '4', unit: 'PC', reservation: { reservation: '0000500001', reservationItem: '0002' }, storageLocation: '0002' },
    ]);

    // The site's time zone reaches an order from SAP as it reaches a release over NATS: postings carry the plant's date.
    expect(started.context?.timezone).toBe('Europe/Berlin');
    const plantToday = () => sapDate(plantDate(Date.now(), 'Europe/Berlin'));
    const dayBefore = plantToday();
    await sendInBatches(h, counts('1300001', 60, 2, 0), 20); // 120 good: the planned quantity, the order confirms
    expect(await resultOf(h)).toMatchObject({ phase: 'confirmed', confirmedGood: 120, exception: null });

    const issued = sap.store.materialDocumentItems.filter((i) => i.ManufacturingOrder === '1300001' && i.GoodsMovementType === '261');
    // One 261 (the final confirmation's): it closes both reservation items.
    expect(issued.map((i) => [i.Material, i.QuantityInEntryUnit, i.EntryUnit, i.Reservation, i.ReservationItem, i.StorageLocation, i.Batch, i.ReservationIsFinallyIssued])).toEqual([
      ['SHEET-2MM', '30.000', 'KG', '0000500001', '0001', '0003', 'B-7', true],
      ['SCREW-M6', '480.000', 'ST', '0000500001', '0002', '0002', '', true],
    ]);
    expect(sap.store.materialDocumentItems.filter((i) => i.GoodsMovementType === '262')).toEqual([]);
    // The reservation is used up: SAP's MRP sees no open requirement to buy again.
    expect([sap.store.openQuantity('0000500001', '0001'), sap.store.openQuantity('0000500001', '0002')]).toEqual(['0.000', '0.000']);
    const conf = sap.store.confirmations.filter((c) => c.OrderID === '1300001');
    expect(conf.map((c) => [c.ConfirmationYieldQuantity, c.ConfirmationUnit, c.IsFinalConfirmation])).toEqual([['120.000', 'ST', true]]);
    expect([dayBefore, plantToday()]).toContain(conf[0]!.PostingDate);
    expect(sap.store.materialDocuments.filter((d) => d.to_MaterialDocumentItem.results[0]?.ManufacturingOrder === '1300001').map((d) => d.PostingDate)).toEqual([conf[0]!.PostingDate]);

    const rec = await reconcileOrder({ client: engine.services.client, db: engine.services.db, erp: engine.erp }, SITE, '1300001');
    expect(rec.differences).toEqual([]);
  });

  it('over NATS, an event whose order no line runs goes to the exception subject with the reason, and starts nothing', async () => {
    const sap = engine.sap!;
    addSapOrder(sap.store, '1300005', 10, '0000500005');
    // Changed before the poller's cursor of the next test, so that test's polls do not see it.
    sap.store.changeProductionOrder('1300005', { ProductionPlant: '2020' }, new Date('2026-01-05T06:30:00Z'));
    const event = JSON.parse(await readFile(fixture, 'utf8')) as Record<string, unknown>;
    await jetstream(engine.services.nc).publish(erpReleaseSubject(SITE), JSON.stringify({ ...event, id: 'e-1300005', data: { ProductionOrder: '1300005' } }), { msgID: 'sap-event-1300005' });
    await releasesSettled(engine);
    const ex = await exceptionAfter(engine, 'erp-listener');
    expect(ex.body.reason).toMatch(/SAP order 1300005: unplaced: no line of the plant file runs ERP plant 2020 at work center ASSY-2/);
    await expect(handle('1300005').describe()).rejects.toThrow();
  });

  it('the poller starts a released order once, follows quantity and date changes, and closes the order SAP completed technically', async () => {
    const sap = engine.sap!;
    addSapOrder(sap.store, '1300002', 100, '0000500002', '20260105070000');
    const poller = new SapReleasePoller(engine.services.sapIntake!, { since: '2026-01-05T07:00:00Z', everyMs: 60_000 }, pino({ level: 'silent' }), toPoller);
    expect((await poller.pollOnce()).map((r) => [r.erpOrderId, r.outcome])).toEqual([['1300002', 'started']]);
    expect((await poller.pollOnce()).map((r) => r.outcome)).toEqual(['unchanged']);

    sap.store.changeProductionOrder('1300002', { TotalQuantity: '150.000' }, new Date('2026-01-05T08:00:00Z'));
    expect((await poller.pollOnce()).map((r) => r.outcome)).toEqual(['updated']);
    const h = handle('1300002');
    expect(await h.query(statusQuery)).toMatchObject({ plannedQuantity: '150' });
    // A planner in SAP moves the order's end a day later.
    sap.store.changeProductionOrder('1300002', { MfgOrderPlannedEndDate: '/Date(1767657600000)/' }, new Date('2026-01-05T08:30:00Z'));
    expect((await poller.pollOnce()).map((r) => r.outcome)).toEqual(['updated']);
    expect(await h.query(statusQuery)).toMatchObject({ plannedQuantity: '150', plannedEnd: '2026-01-06T14:00:00.000Z' });

    await sendInBatches(h, counts('1300002', 10, 2, 0), 10);
    await eventually(async () => ((await h.query(statusQuery)).good === 20 ? true : undefined), '20 counted');
    sap.store.changeProductionOrder('1300002', { OrderIsTechnicallyCompleted: 'X' }, new Date('2026-01-05T09:00:00Z'));
    expect((await poller.pollOnce()).map((r) => [r.outcome, r.signalled])).toEqual([['closed', true]]);
    const done = await resultOf(h);
    expect(done).toMatchObject({ phase: 'closed', good: 20, confirmedGood: 0, erpClosed: { reason: 'technically-completed' } });
    // Nothing was posted for it, and counts after the close are not the order's.
    expect(await engine.erp.listOrderPostings('1300002')).toEqual([]);
    const rec = await reconcileOrder({ client: engine.services.client, db: engine.services.db, erp: engine.erp }, SITE, '1300002');
    expect([rec.phase, rec.differences]).toEqual(['closed', []]);
    expect(poller.since).toBe('2026-01-05T09:00:00Z');
  });

  it('over the webhook: starts once, and a deletion flag closes the order; an order no line runs reaches a person', async () => {
    const sap = engine.sap!;
    addSapOrder(sap.store, '1300003', 50, '0000500003');
    const api = await buildPlannerApi({ db: engine.services.db, client: engine.services.client, sapIntake: engine.services.sapIntake });
    try {
      const token = await issueToken(engine.services.db, 'sap-event-mesh', 'integration');
      const base = JSON.parse(await readFile(fixture, 'utf8')) as Record<string, unknown>;
      const post = (order: string, type = 'Released', auth = `Bearer ${token}`) =>
        api.inject().post('/webhooks/sap/events').headers({ authorization: auth, 'content-type': 'application/cloudevents+json' })
          .body(JSON.stringify({ ...base, id: `${order}-${type}`, type: `sap.s4.beh.productionorder.v1.ProductionOrder.${type}.v1`, data: { ProductionOrder: order } }));
      expect((await post('1300003', 'Released', 'Bearer mes_forged')).statusCode).toBe(401);
      const first = await post('1300003');
      expect([first.statusCode, first.json()]).toEqual([201, expect.objectContaining({ outcome: 'started', workflowId: workOrderWorkflowId(SITE, '1300003') })]);
      expect([(await post('1300003')).statusCode, (await post('1300003')).json().outcome]).toEqual([200, 'unchanged']);

      const h = handle('1300003');
      await sendInBatches(h, counts('1300003', 5, 2, 0), 5);
      await eventually(async () => ((await h.query(statusQuery)).good === 10 ? true : undefined), '10 counted');
      sap.store.changeProductionOrder('1300003', { OrderIsMarkedForDeletion: 'X' });
      expect((await post('1300003', 'Changed')).json()).toMatchObject({ outcome: 'closed', signalled: true });
      expect(await resultOf(h)).toMatchObject({ phase: 'closed', good: 10, erpClosed: { reason: 'deletion-flag' } });
      expect(await engine.erp.listOrderPostings('1300003')).toEqual([]);

      // SAP completes an order the MES confirmed and closed already (the first test's): nothing runs to be told.
      sap.store.changeProductionOrder('1300001', { OrderIsTechnicallyCompleted: 'X' }, new Date('2026-01-05T06:45:00Z'));
      const late = await post('1300001', 'TechnicallyCompleted');
      expect([late.statusCode, late.json()]).toEqual([200, expect.objectContaining({ outcome: 'closed', signalled: false })]);
      expect(await resultOf(handle('1300001'))).toMatchObject({ phase: 'confirmed' });

      // Plant 2020 has no line in the plant file: refused with the reason, nothing started.
      addSapOrder(sap.store, '1300004', 10, '0000500004');
      sap.store.changeProductionOrder('1300004', { ProductionPlant: '2020' });
      const unplaced = await post('1300004');
      expect([unplaced.statusCode, unplaced.json().detail]).toEqual([422, expect.stringMatching(/no line of the plant file runs ERP plant 2020/)]);
      expect((await post('1300099')).statusCode).toBe(404);
      const bad = await api.inject().post('/webhooks/sap/events').headers({ authorization: `Bearer ${token}` }).body({ ...base, type: 'sap.s4.beh.salesorder.v1.SalesOrder.Created.v1' });
      expect([bad.statusCode, bad.json().detail]).toEqual([400, expect.stringMatching(/body\.type/)]);
    } finally {
      await api.close();
    }
  });
  describe('the release check every intake passes (services/release-check.ts)', () => {
    it('an order of a material the plant file does not know, with no backflush components, is refused naming body.material: exception over NATS, 422 over the webhook', async () => {
      const sap = engine.sap!;
      for (const id of ['1300007', '1300008']) {
        addSapOrder(sap.store, id, 10, `000050${id.slice(-4)}`);
        sap.store.changeProductionOrder(id, { Material: 'NOPE-X' }, new Date('2026-01-05T05:00:00Z'));
        // Withdrawn by hand in SAP: the order brings no components the MES could backflush.
        for (const c of sap.store.productionOrderComponents.filter((x) => x.ManufacturingOrder === id)) c.MatlCompIsMarkedForBackflush = false;
      }
      const seen = await lastSeq('erp-listener');
      await jetstream(engine.services.nc).publish(erpReleaseSubject(SITE), await eventFor('1300007', 'e-1300007'), { msgID: 'sap-event-1300007' });
      await releasesSettled(engine);
      const ex = await exceptionAfter(engine, 'erp-listener', seen);
      expect(ex.body).toMatchObject({ refusal: { kind: 'unplaceable', issues: [{ field: 'body.material' }] }, release: { erpOrderId: '1300007' } });
      expect(ex.body.reason).toMatch(/body\.material: material NOPE-X is not in the plant file and the release brings no components/);

      const reported: string[] = [];
      const api = await buildPlannerApi({
        db: engine.services.db, client: engine.services.client, sapIntake: engine.services.sapIntake,
        reportRefusedRelease: async (release, refusal) => void reported.push(`${release.erpOrderId} ${refusal.kind}`),
      });
      try {
        const token = await issueToken(engine.services.db, 'sap-event-mesh-check', 'integration');
        const event = await eventFor('1300008', 'e-1300008');
        const r = await api.inject().post('/webhooks/sap/events').headers({ authorization: `Bearer ${token}`, 'content-type': 'application/cloudevents+json' }).body(event);
        expect([r.statusCode, r.json().detail]).toEqual([422, expect.stringMatching(/body\.material: material NOPE-X is not in the plant file/)]);
        expect(reported).toEqual(['1300008 unplaceable']);
      } finally {
        await api.close();
      }
      for (const id of ['1300007', '1300008']) await expect(handle(id).describe()).rejects.toThrow();
    });

    it('an order the MES confirmed, announced again by SAP, is refused from the MES\'s own records: NATS, webhook and poller alike, whatever Temporal retains', async () => {
      const sap = engine.sap!;
      const id = '1300006';
      addSapOrder(sap.store, id, 10, '0000500006', '20260105050000');
      const js = jetstream(engine.services.nc);
      await js.publish(erpReleaseSubject(SITE), await eventFor(id, `e-${id}`), { msgID: `sap-event-${id}` });
      await releasesSettled(engine);
      const h = handle(id);
      await sendInBatches(h, counts(id, 5, 2, 0), 5);
      expect(await resultOf(h)).toMatchObject({ phase: 'confirmed', confirmedGood: 10 });
      const closedRun = (await h.describe()).runId;
      const before = await engine.erp.listOrderPostings(id);
      // SAP raises the quantity and announces the order again (it is still released there: the MES does not TECO).
      sap.store.changeProductionOrder(id, { TotalQuantity: '25.000' }, new Date('2027-01-01T00:00:00Z'));

      // Over NATS, with a Temporal that still has the closed run: an exception, not a quiet "unchanged".
      const seen = await lastSeq('erp-listener');
      await js.publish(erpReleaseSubject(SITE), await eventFor(id, `e-${id}-again`), { msgID: `sap-event-${id}-again` });
      await releasesSettled(engine);
      const ex = await exceptionAfter(engine, 'erp-listener', seen);
      expect(ex.body).toMatchObject({ refusal: { kind: 'closed' }, release: { erpOrderId: id } });
      expect(ex.body.reason).toMatch(new RegExp(`order ${id} of site plant1 is closed in the MES's records \\(confirmed at `));

      // A Temporal that forgot the run (after the namespace's retention): the intake never asks it.
      const forgetful = forgetfulTemporal();
      const intake = { ...engine.services.sapIntake!, client: forgetful };
      const api = await buildPlannerApi({ db: engine.services.db, client: forgetful, sapIntake: intake });
      try {
        const token = await issueToken(engine.services.db, 'sap-event-mesh-closed', 'integration');
        const event = await eventFor(id, `e-${id}-webhook`);
        const r = await api.inject().post('/webhooks/sap/events').headers({ authorization: `Bearer ${token}`, 'content-type': 'application/cloudevents+json' }).body(event);
        expect([r.statusCode, r.json().detail]).toEqual([409, expect.stringMatching(new RegExp(`order ${id} of site plant1 is closed in the MES's records`))]);
      } finally {
        await api.close();
      }
      const polled = await lastSeq('sap-poller');
      const poller = new SapReleasePoller(intake, { since: '2027-01-01T00:00:00Z', everyMs: 60_000 }, pino({ level: 'silent' }), toPoller);
      expect((await poller.pollOnce()).map((r) => [r.erpOrderId, r.outcome])).toEqual([[id, 'closed-in-mes']]);
      const fromPoller = await exceptionAfter(engine, 'sap-poller', polled);
      expect(fromPoller.body).toMatchObject({ refusal: { kind: 'closed' }, release: { erpOrderId: id, quantity: '25' } });
      // The next poll reads that change once more (`ge` its second): refused again, a person is not told twice.
      expect((await poller.pollOnce()).map((r) => r.outcome)).toEqual(['closed-in-mes']);
      expect(await lastSeq('sap-poller')).toBe(fromPoller.seq);

      // Still the one closed run, and nothing new in SAP.
      expect(await h.describe()).toMatchObject({ runId: closedRun, status: { name: 'COMPLETED' } });
      expect(await engine.erp.listOrderPostings(id)).toEqual(before);
    });
  });
  describe('rules and posting dates on the order\'s own components (issue 18 items 2 and 3 with items 5 and 6)', () => {
    it('a quantity the rules refuse posts nothing against the reservations: no 261, no 262, no confirmation', async () => {
      const sap = engine.sap!;
      const id = '1300010';
      addSapOrder(sap.store, id, 10, '0000500010', '20260105050000');
      await jetstream(engine.services.nc).publish(erpReleaseSubject(SITE), await eventFor(id, `e-${id}`), { msgID: `sap-event-${id}` });
      await releasesSettled(engine);
      const h = handle(id);
      // 12 good in one batch on an order of 10 with SAP's default 10 % tolerance: the final confirmation of 12 is refused.
      await sendInBatches(h, counts(id, 6, 2, 0), 6);
      const parked = await eventually(async () => {
        const st = await h.query(statusQuery);
        return st.phase === 'exception' ? st : undefined;
      }, 'the order to wait in exception', 120_000);
      expect(parked.exception).toMatch(/confirmed yield 12 would exceed order quantity 10 \+ 10 % tolerance \(11\)/);
      expect(sap.store.materialDocumentItems.filter((i) => i.ManufacturingOrder === id)).toEqual([]);
      expect(sap.store.confirmations.filter((c) => c.OrderID === id)).toEqual([]);
      expect([sap.store.openQuantity('0000500010', '0001'), sap.store.openQuantity('0000500010', '0002')]).toEqual(['2.500', '40.000']);
    });

    it('a 261 against reservations dated in a closed period moves to the first open one, its reservation and the production\'s date kept', async () => {
      const sap = engine.sap!;
      const id = '1300011';
      addSapOrder(sap.store, id, 10, '0000500011', '20260105050000');
      const acts = createErpPostingActivities({ erp: engine.erp, db: engine.services.db });
      const workflowId = workOrderWorkflowId(SITE, id);
      const items = [
        { material: 'SHEET-2MM', quantity: '2.5', unit: 'KG', reservation: { reservation: '0000500011', reservationItem: '0001' }, storageLocation: '0003', batch: 'B-7', finalIssue: true },
        { material: 'SCREW-M6', quantity: '40', unit: 'PC', reservation: { reservation: '0000500011', reservationItem: '0002' }, storageLocation: '0002', finalIssue: true },
      ];
      engine.erpFaults.set({ closedPeriods: ['2026-03'] });
      try {
        await new MockActivityEnvironment({ workflowExecution: { workflowId, runId: 'run-1' } }).run(acts.postGoodsIssue, {
          workflowId, postingSeq: 2, erpOrderId: id, plant: '1010', storageLocation: '0002', postingDate: '2026-03-31', items,
        });
      } finally {
        engine.erpFaults.set({});
      }
      const [doc, ...more] = sap.store.materialDocuments.filter((d) => d.to_MaterialDocumentItem.results[0]?.ManufacturingOrder === id);
      expect(more).toEqual([]);
      expect([doc!.PostingDate, doc!.DocumentDate]).toEqual([sapDate('2026-04-01'), sapDate('2026-03-31')]);
      expect(doc!.to_MaterialDocumentItem.results.map((i) => [i.GoodsMovementType, i.Reservation, i.ReservationItem, i.ReservationIsFinallyIssued])).toEqual([
        ['261', '0000500011', '0001', true],
        ['261', '0000500011', '0002', true],
      ]);
      expect([sap.store.openQuantity('0000500011', '0001'), sap.store.openQuantity('0000500011', '0002')]).toEqual(['0.000', '0.000']);
    });
  });
});
