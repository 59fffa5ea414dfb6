import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErpRejected } from '../../../contracts/erp-port.js';
import { S4HanaErpAdapter } from '../../../erp/s4hana/adapter.js';
import type { SapConnection } from '../../../erp/s4hana/odata-session.js';
import { buildSapDouble } from '../../../simulators/sap-odata/app.js';
import { SAP_CREDS } from '../../helpers/sap-double.js';
import { addSapOrder } from '../../helpers/sap-orders.js';

// Issue 18 item 4: commercial unit codes depend on the logon language (piece: PC in English, ST in German). The
// double's communication user logs on in German; the adapter pins its language and sends ISO codes where SAP's
// entity has them, from the plant file's mapping (seed/demo-plant.yaml erpUnits).
const UNITS = { PC: { iso: 'PCE', commercial: 'PC' }, KG: { iso: 'KGM', commercial: 'KG' } };

let sap: ReturnType<typeof buildSapDouble>;
let baseUrl = '';
beforeAll(async () => {
  sap = buildSapDouble({ ...SAP_CREDS, logonLanguage: 'DE' });
  baseUrl = await sap.listen({ host: '127.0.0.1', port: 0 });
  addSapOrder(sap.store, '1400001', 10, '0000600001');
});
afterAll(async () => {
  await sap.close();
});
const adapter = (extra: Partial<SapConnection> = {}) =>
  new S4HanaErpAdapter({ baseUrl, client: SAP_CREDS.client, auth: { kind: 'basic', user: SAP_CREDS.user, password: SAP_CREDS.password }, ...extra });
const conf = (postingKey: string) => ({ postingKey, erpOrderId: '1400001', operation: '0010', yieldQty: '4', scrapQty: '0', unit: 'PC', isFinal: false });

describe('units against a German-speaking SAP', () => {
  it('fault value: PC sent as a commercial code in a German session is no unit there', async () => {
    await expect(adapter({ language: 'DE' }).postConfirmation(conf('units-de#1'))).rejects.toThrow(ErpRejected);
    await expect(adapter({ language: 'DE' }).postConfirmation(conf('units-de#1'))).rejects.toThrow(/ConfirmationUnit: unit PC is not created in language DE/);
  });

  it('posts the right unit: ISO codes on the confirmation and the material document item, read back as the MES names it', async () => {
    const erp = adapter({ units: UNITS });
    await erp.postConfirmation(conf('units-en#1'));
    expect(sap.store.confirmations.at(-1)).toMatchObject({ ConfirmationUnit: 'ST', ConfirmationYieldQuantity: '4.000' }); // internal code of piece
    await erp.postGoodsMovement({
      postingKey: 'units-en#2', erpOrderId: '1400001', movementType: '261', plant: '1010', storageLocation: '0002',
      items: [{ material: 'SCREW-M6', quantity: '16', unit: 'PC', reservation: { reservation: '0000600001', reservationItem: '0002' } }],
    });
    expect(sap.store.materialDocumentItems.at(-1)).toMatchObject({ EntryUnit: 'ST', Reservation: '0000600001', ReservationItem: '0002' });
    const [issue] = (await erp.listOrderPostings('1400001')).filter((p) => p.movementType === '261');
    expect(issue!.items).toEqual([{ material: 'SCREW-M6', quantity: '16', unit: 'PC', reservation: { reservation: '0000600001', reservationItem: '0002' } }]);
  });

  it('an ISO code is right whatever language the session runs in; a commercial code only in its own', async () => {
    const german = adapter({ language: 'DE', units: UNITS });
    await german.postConfirmation(conf('units-de-iso#1'));
    expect(sap.store.confirmations.at(-1)).toMatchObject({ ConfirmationText: 'units-de-iso#1', ConfirmationUnit: 'ST' });
    const issue = (erp: S4HanaErpAdapter, key: string) =>
      erp.postGoodsMovement({ postingKey: key, erpOrderId: '1400001', movementType: '261', plant: '1010', items: [{ material: 'SCREW-M6', quantity: '1', unit: 'PC' }] });
    await issue(german, 'units-de-iso#2');
    expect(sap.store.materialDocumentItems.at(-1)).toMatchObject({ EntryUnit: 'ST', QuantityInEntryUnit: '1.000' });
    await expect(issue(adapter({ language: 'DE' }), 'units-de#2')).rejects.toThrow(/to_MaterialDocumentItem\[0\]\.EntryUnit: unit PC is not created in language DE/);
  });

  it('reads the order in MES units: ProductionUnit and BaseUnit by their ISO codes', async () => {
    const order = await adapter({ units: UNITS }).readOrder('1400001');
    expect(order).toMatchObject({ erpOrderId: '1400001', material: 'BRACKET-A', plant: '1010', quantity: '10', unit: 'PC', released: true, technicallyCompleted: false, deletionFlag: false, changedAt: '2026-01-05T06:00:00Z' });
    expect(order!.operations).toEqual([{ operation: '0010', workCenter: 'ASSY-2' }]);
    expect(order!.components.map((c) => [c.material, c.requiredQty, c.unit, c.reservation?.reservationItem, c.storageLocation])).toEqual([
      ['SHEET-2MM', '2.5', 'KG', '0001', '0003'],
      ['SCREW-M6', '40', 'PC', '0002', '0002'],
    ]);
    // The German session shows piece as ST; without the mapping the adapter would read the order in ST.
    await expect(adapter({ language: 'DE', units: { PC: { iso: 'XXX', commercial: 'PC' } } }).readOrder('1400001')).rejects.toThrow(/ProductionUnit: unit ST \(ISO PCE\) is not in the plant file's erpUnits/);
  });

  it('a 262 restores the reservation a 261 reduced; an unknown reservation is refused before anything is posted', async () => {
    const erp = adapter({ units: UNITS });
    const open = () => sap.store.openQuantity('0000600001', '0001');
    const items = [{ material: 'SHEET-2MM', quantity: '1.5', unit: 'KG', reservation: { reservation: '0000600001', reservationItem: '0001' } }];
    await erp.postGoodsMovement({ postingKey: 'resv#1', erpOrderId: '1400001', movementType: '261', plant: '1010', items });
    expect(open()).toBe('1.000');
    await erp.postGoodsMovement({ postingKey: 'resv#2', erpOrderId: '1400001', movementType: '262', plant: '1010', items });
    expect(open()).toBe('2.500');
    const before = sap.store.materialDocuments.length;
    await expect(erp.postGoodsMovement({ postingKey: 'resv#3', erpOrderId: '1400001', movementType: '261', plant: '1010', items: [{ ...items[0]!, reservation: { reservation: '0000699999', reservationItem: '0001' } }] }))
      .rejects.toThrow(/Reservation 0000699999 item 0001 does not exist/);
    expect(sap.store.materialDocuments.length).toBe(before);
  });

  it('the final issue closes the reservation item: the remainder the order did not need is not open for MRP', async () => {
    const erp = adapter({ units: UNITS });
    const items = [{ material: 'SCREW-M6', quantity: '20', unit: 'PC', reservation: { reservation: '0000600001', reservationItem: '0002' }, finalIssue: true }];
    await erp.postGoodsMovement({ postingKey: 'final#1', erpOrderId: '1400001', movementType: '261', plant: '1010', items });
    expect(sap.store.materialDocumentItems.at(-1)).toMatchObject({ ReservationIsFinallyIssued: true });
    expect(sap.store.openQuantity('0000600001', '0002')).toBe('0.000'); // 40 required, 16 + 20 issued, closed
    await erp.postGoodsMovement({ postingKey: 'final#2', erpOrderId: '1400001', movementType: '262', plant: '1010', items });
    expect(sap.store.materialDocumentItems.at(-1)).toMatchObject({ GoodsMovementType: '262', ReservationIsFinallyIssued: false });
    expect(sap.store.openQuantity('0000600001', '0002')).toBe('24.000');
  });
});
