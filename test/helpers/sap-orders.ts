import type { SapStore } from '../../simulators/sap-odata/store.js';

/**
 * A released production order of BRACKET-A on line-2 (plant 1010, work center ASSY-2 in seed/demo-plant.yaml) in the
 * SAP double, with its components as SAP plans them for `quantity` pieces: 0.25 KG of SHEET-2MM (from storage
 * location 0003, batch B-7) and 4 PC of SCREW-M6 per piece, each on its own reservation item of `reservation`.
 * Units are the double's internal codes (ST is piece, KG kilogram), shown per request language.
 */
export function addSapOrder(store: SapStore, order: string, quantity: number, reservation: string, changedAt = '20260105060000'): void {
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
    [
      { material: 'SHEET-2MM', per: 0.25, unit: 'KG', item: '0001', storageLocation: '0003', batch: 'B-7' },
      { material: 'SCREW-M6', per: 4, unit: 'ST', item: '0002', storageLocation: '0002', batch: '' },
    ].map((c) => ({
      Reservation: reservation, ReservationItem: c.item, ReservationRecordType: '', ManufacturingOrder: order, ManufacturingOrderOperation: '0010',
      Material: c.material, Plant: '1010', StorageLocation: c.storageLocation, Batch: c.batch, BaseUnit: c.unit, BaseUnitISOCode: '',
      RequiredQuantity: qty(c.per * quantity), WithdrawnQuantity: '0.000',
      MatlCompIsMarkedForBackflush: true, MatlCompIsMarkedForDeletion: false, ReservationIsFinallyIssued: false,
    })),
  );
}
