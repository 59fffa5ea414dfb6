import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ErpOrder } from '../../../contracts/erp-port.js';
import { SapProductionOrderEvent } from '../../../contracts/messages/sap-event.js';
import { describeIssues } from '../../../contracts/parse.js';
import { odataCollection } from '../../../contracts/messages/sap-odata.js';
import { ProductionOrder2Read } from '../../../contracts/messages/sap-production-order.js';
import { loadPlantModel } from '../../../seed/plant-file.js';
import { InvalidRelease, placeFromPlant, releaseOf } from '../../../services/sap-intake.js';
import { projectRoot } from '../../../stack/paths.js';

const fixture = path.join(projectRoot, 'test/fixtures/erp/s4hana/production-order-released.event.json');

const order: ErpOrder = {
  erpOrderId: '1300001', material: 'BRACKET-A', plant: '1010', quantity: '120', unit: 'PC', released: true, technicallyCompleted: false,
  deletionFlag: false, changedAt: '2026-01-05T06:00:00Z', operations: [{ operation: '0010', workCenter: 'PREP-9' }, { operation: '0020', workCenter: 'ASSY-2' }],
  components: [{ material: 'SCREW-M6', requiredQty: '480', unit: 'PC', reservation: { reservation: '0000500001', reservationItem: '0002' } }],
};

describe('SAP production order events', () => {
  it('reads the fixture as SAP sends it; the order number loses its ALPHA zeros', async () => {
    const e = SapProductionOrderEvent.parse(JSON.parse(await readFile(fixture, 'utf8')));
    expect(e).toMatchObject({ type: 'sap.s4.beh.productionorder.v1.ProductionOrder.Released.v1', data: { ProductionOrder: '1300001' } });
  });

  it('takes the order named ManufacturingOrder as newer SAP releases call the AUFNR', () => {
    const e = SapProductionOrderEvent.parse({ specversion: '1.0', type: 'sap.s4.beh.productionorder.v1.ProductionOrder.Released.v1', source: '/x', id: '2', data: { ManufacturingOrder: '000001300002' } });
    expect(e.data).toEqual({ ProductionOrder: '1300002' });
  });

  it('names the field of an event that is not SAP production order event', () => {
    const r = SapProductionOrderEvent.safeParse({ specversion: '1.0', type: 'sap.s4.beh.salesorder.v1.SalesOrder.Created.v1', source: '/x', id: '1', data: {} });
    expect(r.success ? [] : describeIssues(r.error).map((i) => i.path)).toEqual(['type', 'data.ProductionOrder']);
  });
});

describe('placing and releasing an SAP order', () => {
  it('places by plant and work center; two lines of one plant without a matching work center place nothing', async () => {
    const place = placeFromPlant(await loadPlantModel(path.join(projectRoot, 'seed/demo-plant.yaml')));
    expect(place('1010', ['ASSY-2'])).toEqual({ site: 'plant1', line: 'line-2', workCenters: ['ASSY-2'] });
    expect(place('1010', ['PRESS-1'])).toEqual({ site: 'plant1', line: 'line-1', workCenters: ['PRESS-1'] });
    expect(place('1010', ['OTHER'])).toBeNull();
    expect(place('2020', ['ASSY-2'])).toBeNull();
  });

  it('confirms the operation at the line and carries the order components', () => {
    const r = releaseOf(order, { site: 'plant1', line: 'line-2', workCenters: ['ASSY-2'] });
    expect(r).toMatchObject({ erpOrderId: '1300001', line: 'line-2', operation: '0020', quantity: '120', unit: 'PC', releasedAt: '2026-01-05T06:00:00Z', components: order.components });
    // A line without work centers confirms the order's first operation.
    expect(releaseOf(order, { site: 'plant1', line: 'line-2' }).operation).toBe('0010');
  });

  it('an order SAP cannot make a release of is refused naming the field', () => {
    expect(() => releaseOf({ ...order, operations: [{ operation: '10' }] }, { site: 'plant1', line: 'line-2' })).toThrow(InvalidRelease);
    expect(() => releaseOf({ ...order, operations: [{ operation: '10' }] }, { site: 'plant1', line: 'line-2' })).toThrow(/operation: must be a 4-digit operation number/);
  });
});

describe('API_PRODUCTION_ORDER_2_SRV replies', () => {
  it('reads a header as SAP sends it: __metadata, deferred navigations, properties not asked for, German commercial unit beside its ISO code', async () => {
    const reply = JSON.parse(await readFile(path.join(projectRoot, 'test/fixtures/erp/s4hana/production-order-2.json'), 'utf8')) as unknown;
    const [h] = odataCollection(ProductionOrder2Read).parse(reply).d.results;
    expect(h).toEqual({
      ManufacturingOrder: '1300001', Material: 'BRACKET-A', ProductionPlant: '1010', StorageLocation: '0002', TotalQuantity: '120.000',
      ProductionUnit: 'ST', ProductionUnitISOCode: 'PCE', OrderIsReleased: 'X', OrderIsTechnicallyCompleted: '', OrderIsMarkedForDeletion: '',
      MfgOrderPlannedStartDate: '/Date(1767571200000)/', MfgOrderPlannedStartTime: 'PT06H00M00S',
      MfgOrderPlannedEndDate: '/Date(1767571200000+0000)/', MfgOrderPlannedEndTime: 'PT14H00M00S', LastChangeDateTime: '20260105060000',
    });
  });
});
