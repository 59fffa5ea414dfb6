import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErpOrderSource } from '../../contracts/erp-port.js';
import type { ConfirmationPolicy } from '../../contracts/messages/order-release.js';
import { workOrderWorkflowId } from '../../contracts/ids.js';
import { usedComponentBatch } from '../../db/genealogy.js';
import { stageBatch } from '../../db/staged-batches.js';
import { reconcileOrder } from '../../services/reconciliation/reconcile.js';
import { releaseOf } from '../../services/sap-intake.js';
import { completeOrderSignal, statusQuery } from '../../workflows/definitions.js';
import type { workOrderWorkflow } from '../../workflows/work-order.js';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { counts, publishRelease, releasesSettled, sendInBatches, SITE } from '../helpers/orders.js';
import { addSapOrder, BRACKET_COMPONENTS, SCRAP_BY_PRODUCT, type SapComponentPlan } from '../helpers/sap-orders.js';
import { resultOf } from '../helpers/workflow-result.js';

/**
 * The backflush of an order's own components against the SAP double (issue 18 item 5, review findings 1 to 3): real
 * Temporal, PostgreSQL and NATS; the order is read from the double's production order API as the intake reads it,
 * and released with a confirmation policy so partial confirmations run.
 */
describe('backflush of the order\'s own components in SAP', () => {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await startTestEngine({ erp: 's4hana' });
  });
  afterAll(async () => {
    await engine?.stop();
  });
  const handle = (id: string) => engine.services.client.workflow.getHandle<typeof workOrderWorkflow>(workOrderWorkflowId(SITE, id));

  /** The double's order `id` read through the adapter and released on line-2 with `policy`, as the intake would. */
  async function releaseFromSap(id: string, quantity: number, reservation: string, components: SapComponentPlan[], policy: ConfirmationPolicy) {
    addSapOrder(engine.sap!.store, id, quantity, reservation, '20260105050000', components);
    const order = await (engine.erp as unknown as ErpOrderSource).readOrder(id);
    await publishRelease(engine, releaseOf(order!, { site: SITE, line: 'line-2' }, policy), `release-${id}`);
    await releasesSettled(engine);
    return handle(id);
  }
  const issuesOf = (id: string) => engine.sap!.store.materialDocumentItems.filter((i) => i.ManufacturingOrder === id);
  const open = (reservation: string, items: string[]) => items.map((i) => engine.sap!.store.openQuantity(reservation, i));

  it('order of 3 needing 1 LABEL-ROLL, 2.5 KG RESIN, 1000 SCREW confirmed 1 + 1 + 1 issues exactly that, whole pieces in PC (finding 1)', async () => {
    const id = '1300101';
    const h = await releaseFromSap(id, 3, '0000501001', [
      { material: 'LABEL-ROLL', required: '1.000', unit: 'ST', item: '0001', storageLocation: '0002', batch: '' },
      { material: 'RESIN', required: '2.500', unit: 'KG', item: '0002', storageLocation: '0002', batch: '' },
      { material: 'SCREW', required: '1000.000', unit: 'ST', item: '0003', storageLocation: '0002', batch: '' },
    ], { partialEvery: 1, goodsReceipt: false, overdeliveryTolerancePct: 0 });
    for (const batch of [0, 1, 2]) {
      await sendInBatches(h, counts(`${id}-${batch}`, 1, 1, 0), 1);
      if (batch < 2) await eventually(async () => ((await h.query(statusQuery)).confirmedGood === batch + 1 ? true : undefined), `partial ${batch + 1}`);
    }
    expect(await resultOf(h)).toMatchObject({ phase: 'confirmed', confirmedGood: 3, exception: null });
    const issued = issuesOf(id).filter((i) => i.GoodsMovementType === '261');
    const byMaterial = (m: string) => issued.filter((i) => i.Material === m).map((i) => i.QuantityInEntryUnit);
    // Pieces in whole numbers (the demo plant's PC: decimals 0, SAP T006 ANDEC), kilograms to 0.001.
    expect([byMaterial('LABEL-ROLL'), byMaterial('RESIN'), byMaterial('SCREW')]).toEqual([
      ['1.000'],
      ['0.833', '0.834', '0.833'],
      ['333.000', '334.000', '333.000'],
    ]);
    expect(issuesOf(id).filter((i) => i.GoodsMovementType === '262')).toEqual([]);
    expect(open('0000501001', ['0001', '0002', '0003'])).toEqual(['0.000', '0.000', '0.000']);
    const rec = await reconcileOrder({ client: engine.services.client, db: engine.services.db, erp: engine.erp }, SITE, id);
    expect(rec.differences).toEqual([]);
  });

  it('a by-product (531) of the order is not issued as a 261: only the 261 components are backflushed (finding 2)', async () => {
    const id = '1300102';
    const h = await releaseFromSap(id, 10, '0000501002', [...BRACKET_COMPONENTS, SCRAP_BY_PRODUCT], { goodsReceipt: false, overdeliveryTolerancePct: 0 });
    expect((await h.query(statusQuery)).context?.bom.map((b) => b.component)).toEqual(['SHEET-2MM', 'SCREW-M6']);
    await sendInBatches(h, counts(id, 5, 2, 0), 5);
    expect(await resultOf(h)).toMatchObject({ phase: 'confirmed', confirmedGood: 10, exception: null });
    expect(issuesOf(id).map((i) => [i.GoodsMovementType, i.Material, i.QuantityInEntryUnit, i.ReservationItem])).toEqual([
      ['261', 'SHEET-2MM', '2.500', '0001'],
      ['261', 'SCREW-M6', '40.000', '0002'],
    ]);
    // Its receipt (531) is a person's in SAP, with the weighed quantity: the MES moved nothing on its reservation, and
    // the final confirmation's OpenReservationsIsCleared closed it with every other open item of the order, as SAP does.
    const scrap = engine.sap!.store.productionOrderComponents.find((c) => c.Reservation === '0000501002' && c.ReservationItem === '0003')!;
    expect([scrap.WithdrawnQuantity, scrap.ReservationIsFinallyIssued]).toEqual(['0.000', true]);
  });

  it('partial 90 of 100, then completed with no more yield: the final confirmation closes the open reservation items (finding 3)', async () => {
    const id = '1300103';
    const h = await releaseFromSap(id, 100, '0000501003', BRACKET_COMPONENTS, { partialEvery: 90, goodsReceipt: false, overdeliveryTolerancePct: 0 });
    await sendInBatches(h, counts(id, 45, 2, 0), 15);
    await eventually(async () => ((await h.query(statusQuery)).confirmedGood === 90 ? true : undefined), 'the partial of 90');
    expect(open('0000501003', ['0001', '0002'])).toEqual(['2.500', '40.000']);
    await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'test' });
    expect(await resultOf(h)).toMatchObject({ phase: 'confirmed', confirmedGood: 90, exception: null });
    // One 261 (the partial's); the final confirmation, with nothing left to issue, clears the open reservations.
    expect(issuesOf(id).map((i) => [i.GoodsMovementType, i.Material, i.QuantityInEntryUnit])).toEqual([['261', 'SHEET-2MM', '22.500'], ['261', 'SCREW-M6', '360.000']]);
    const conf = engine.sap!.store.confirmations.filter((c) => c.OrderID === id);
    expect(conf.map((c) => [c.ConfirmationYieldQuantity, c.IsFinalConfirmation])).toEqual([['90.000', false], ['0.000', true]]);
    const comps = engine.sap!.store.productionOrderComponents.filter((c) => c.Reservation === '0000501003');
    expect(comps.map((c) => [c.WithdrawnQuantity, c.ReservationIsFinallyIssued])).toEqual([['22.500', true], ['360.000', true]]);
    expect(open('0000501003', ['0001', '0002'])).toEqual(['0.000', '0.000']);
    const rec = await reconcileOrder({ client: engine.services.client, db: engine.services.db, erp: engine.erp }, SITE, id);
    expect(rec.differences).toEqual([]);
  });

  it('the 261 carries SAP Batch: the order\'s own (B-7) and scanned-in batches split first in, first out (docs/genealogy.md)', async () => {
    const id = '1300104';
    const db = engine.services.db;
    for (const [batch, quantity] of [['SC-1', '25'], ['SC-2', '100']] as const) await stageBatch(db, SITE, 'line-2', { material: 'SCREW-M6', batch, quantity, unit: 'PC' }, 'test');
    const h = await releaseFromSap(id, 10, '0000501004', BRACKET_COMPONENTS, { goodsReceipt: false, overdeliveryTolerancePct: 0 });
    await sendInBatches(h, counts(id, 5, 2, 0), 5);
    expect(await resultOf(h)).toMatchObject({ phase: 'confirmed', confirmedGood: 10, exception: null });
    expect(issuesOf(id).map((i) => [i.GoodsMovementType, i.Material, i.QuantityInEntryUnit, i.ReservationItem, i.Batch])).toEqual([
      ['261', 'SHEET-2MM', '2.500', '0001', 'B-7'],
      ['261', 'SCREW-M6', '25.000', '0002', 'SC-1'],
      ['261', 'SCREW-M6', '15.000', '0002', 'SC-2'],
    ]);
    expect(open('0000501004', ['0001', '0002'])).toEqual(['0.000', '0.000']);
    const used = await usedComponentBatch(db, 'SCREW-M6', 'SC-2');
    expect(used.map((o) => [o.erpOrderId, o.batches, o.serials.length, o.components])).toEqual([[id, [id], 10, [
      { material: 'SCREW-M6', batch: 'SC-1', quantity: '25', unit: 'PC' },
      { material: 'SCREW-M6', batch: 'SC-2', quantity: '15', unit: 'PC' },
      { material: 'SHEET-2MM', batch: 'B-7', quantity: '2.5', unit: 'KG' },
    ]]]);
    const rec = await reconcileOrder({ client: engine.services.client, db: engine.services.db, erp: engine.erp }, SITE, id);
    expect(rec.differences).toEqual([]);
  });
});
