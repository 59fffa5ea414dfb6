import { readFile } from 'node:fs/promises';
import { buildPlannerApi } from '../../api/app.js';
import { issueToken } from '../../api/auth.js';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workOrderWorkflowId } from '../../contracts/ids.js';
import { erpReleaseSubject } from '../../contracts/names.js';
import { OPS_EXCEPTIONS_STREAM } from '../../contracts/streams.js';
import { reconcileOrder } from '../../services/reconciliation/reconcile.js';
import { SapReleasePoller } from '../../services/sap-release-poller.js';
import { statusQuery } from '../../workflows/definitions.js';
import type { workOrderWorkflow } from '../../workflows/work-order.js';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { counts, releasesSettled, sendInBatches, SITE } from '../helpers/orders.js';
import { addSapOrder } from '../helpers/sap-orders.js';
import { resultOf } from '../helpers/workflow-result.js';

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
    const jsm = await jetstreamManager(engine.services.nc);
    const ex = await jsm.streams.getMessage(OPS_EXCEPTIONS_STREAM, { last_by_subj: `ops.${SITE}.exception.erp-listener` });
    expect((ex!.json() as { reason: string }).reason).toMatch(/SAP order 1300005: unplaced: no line of the plant file runs ERP plant 2020 at work center ASSY-2/);
    await expect(handle('1300005').describe()).rejects.toThrow();
  });

  it('the poller starts a released order once, follows quantity and date changes, and closes the order SAP completed technically', async () => {
    const sap = engine.sap!;
    addSapOrder(sap.store, '1300002', 100, '0000500002', '20260105070000');
    const poller = new SapReleasePoller(engine.services.sapIntake!, { since: '2026-01-05T07:00:00Z', everyMs: 60_000 }, pino({ level: 'silent' }));
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
});
