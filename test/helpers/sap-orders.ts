import type { SapStore } from '../../simulators/sap-odata/store.js';

/**
 * One component as SAP plans it on an order: `per` piece of the order (RequiredQuantity = per x order quantity) or
 * `required` for the whole order; its own reservation item, storage location and batch; movement type 261 unless
 * `movementType` says otherwise. Units are the double's internal codes (ST is piece, KG kilogram).
 */
export interface SapComponentPlan {
  material: string;
  per?: number;
  required?: string;
  unit: string;
  item: string;
  storageLocation: string;
  batch: string;
  movementType?: string;
}

/** BRACKET-A's components: 0.25 KG of SHEET-2MM (storage location 0003, batch B-7) and 4 PC of SCREW-M6 per piece. */
export const BRACKET_COMPONENTS: SapComponentPlan[] = [
  { material: 'SHEET-2MM', per: 0.25, unit: 'KG', item: '0001', storageLocation: '0003', batch: 'B-7' },
  { material: 'SCREW-M6', per: 4, unit: 'ST', item: '0002', storageLocation: '0002', batch: '' },
];

/** A by-product as SAP plans one: 0.1 KG of SCRAP-STEEL per piece received from the order (531, negative requirement). */
export const SCRAP_BY_PRODUCT: SapComponentPlan = { material: 'SCRAP-STEEL', per: -0.1, unit: 'KG', item: '0003', storageLocation: '0002', batch: '', movementType: '531' };

/**
 * A released production order of BRACKET-A on line-2 (plant 1010, work center ASSY-2 in seed/demo-plant.yaml) in the
 * SAP double, with `components` (BRACKET_COMPONENTS unless given) planned for `quantity` pieces, each on its own
 * reservation item of `reservation`, all marked for backflush.
 */
export function addSapOrder(store: SapStore, order: string, quantity: number, reservation: string, changedAt = '20260105060000', components = BRACKET_COMPONENTS): void {
  const qty = (n: number) => n.toFixed(3);
  store.addProductionOrder(
    {
      ManufacturingOrder: order, ManufacturingOrderType: 'PP01', Material: 'BRACKET-A', ProductionPlant: '1010', StorageLocation: '0002',
      TotalQuantity: qty(quantity), ProductionUnit: 'ST', ProductionUnitISOCode: '',
      OrderIsReleased: 'X', OrderIsTechnicallyCompleted: '', OrderIsMarkedForDeletion: '',
      MfgOrderPlannedStartDate: '/Date(1767592800000)/', MfgOrderPlannedStartTime: 'PT06H00M00S',
      MfgOrderPlannedEndDate: '/Date(1767592800000)/', MfgOrderPlannedEndTime: 'PT14H00M00S',
      LastChangeDateTime: changedAt,
    },
    [{ OrderInternalBillOfOperations: `1${order.slice(-6)}`, OrderIntBillOfOperationsItem: '00000001', ManufacturingOrder: order, ManufacturingOrderOperation: '0010', MfgOrderOperationText: 'Assemble', WorkCenter: 'ASSY-2', ProductionPlant: '1010' }],
    components.map((c) => ({
      Reservation: reservation, ReservationItem: c.item, ReservationRecordType: '', ManufacturingOrder: order, ManufacturingOrderOperation: '0010',
      Material: c.material, Plant: '1010', StorageLocation: c.storageLocation, Batch: c.batch, BaseUnit: c.unit, BaseUnitISOCode: '',
      RequiredQuantity: c.required ?? qty((c.per ?? 0) * quantity), WithdrawnQuantity: '0.000', GoodsMovementType: c.movementType ?? '261',
      MatlCompIsMarkedForBackflush: true, MatlCompIsMarkedForDeletion: false, ReservationIsFinallyIssued: false,
    })),
  );
}
