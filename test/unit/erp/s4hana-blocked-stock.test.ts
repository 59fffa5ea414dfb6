import { describe, expect, it } from 'vitest';
import { ErpRejected, GoodsMovementRequest, type MovementType, type StockType } from '../../../contracts/erp-port.js';
import { useSapDouble } from '../../helpers/sap-double.js';

// Product under a quality hold, against the SAP double over HTTP: a receipt into blocked stock (101, InventoryUsabilityCode
// S), its release (343), scrap (555) and their reversals (344, 556, 102), found again for the order and by posting key.
const double = useSapDouble();
const { adapter } = double;

const move = (postingKey: string, erpOrderId: string, movementType: MovementType, quantity: string, stockType?: StockType) =>
  GoodsMovementRequest.parse({
    postingKey, erpOrderId, movementType, plant: '1010', storageLocation: '0001',
    items: [{ material: 'BRACKET-A', quantity, unit: 'PC' }], ...(stockType ? { stockType } : {}),
  });
const lastDocument = () => double.sap.store.materialDocuments.at(-1)!;
const refusal = (p: Promise<unknown>) => p.then(() => new Error('accepted'), (e: unknown) => e as Error);
/** An order's goods movements as `<type> <stock type> <quantity>`, in the order SAP lists them. */
const movements = async (order: string) =>
  (await adapter().listOrderPostings(order)).filter((p) => p.kind === 'goods-movement')
    .map((p) => `${p.movementType} ${p.stockType ?? '-'} ${p.items.map((i) => i.quantity).join('+')}${p.cancelled ? ' cancelled' : ''}`);

describe('S/4HANA adapter: blocked stock', () => {
  it('receives held units into blocked stock, releases some (343), and takes both back (344, 102 blocked)', async () => {
    const erp = adapter();
    await erp.postGoodsMovement(move('hold:1000500#1', '1000500', '101', '6'));
    await erp.postGoodsMovement(move('hold:1000500#2', '1000500', '101', '10', 'blocked'));
    expect(lastDocument()).toMatchObject({ GoodsMovementCode: '02' });
    expect(lastDocument().to_MaterialDocumentItem.results).toEqual([expect.objectContaining({
      GoodsMovementType: '101', ManufacturingOrder: '1000500', InventoryUsabilityCode: 'S', InventoryStockType: '07', MaterialDocumentItemText: '1000500',
    })]);

    const release = await erp.postGoodsMovement(move('hold:1000500#3', '1000500', '343', '4'));
    // A transfer posting: no order, the order number in the item text; SAP adds the receiving line itself.
    expect(lastDocument()).toMatchObject({ GoodsMovementCode: '04', MaterialDocumentHeaderText: 'hold:1000500#3' });
    expect(lastDocument().to_MaterialDocumentItem.results.map((i) => [i.GoodsMovementType, i.ManufacturingOrder, i.MaterialDocumentItemText, i.InventoryStockType, i.IsAutomaticallyCreated])).toEqual([
      ['343', '', '1000500', '07', ''],
      ['343', '', '1000500', '01', 'X'],
    ]);
    expect(await erp.findPostings('hold:1000500#3')).toEqual([{ document: release.document, postingKey: 'hold:1000500#3' }]);
    expect(await erp.findPostings('hold:1000500#3', 'goods-movement')).toEqual([release]);

    // Cancellation of the hold, as the workflow posts it: 344 reverses the 343, then 102 out of blocked stock.
    await erp.postGoodsMovement(move('hold:1000500#4', '1000500', '344', '4'));
    expect(lastDocument().to_MaterialDocumentItem.results.map((i) => [i.GoodsMovementType, i.InventoryStockType, i.IsAutomaticallyCreated])).toEqual([['344', '01', ''], ['344', '07', 'X']]);
    await erp.postGoodsMovement(move('hold:1000500#5', '1000500', '102', '10', 'blocked'));
    expect(lastDocument().to_MaterialDocumentItem.results[0]).toMatchObject({ GoodsMovementType: '102', ManufacturingOrder: '1000500', InventoryUsabilityCode: 'S', MaterialDocumentItemText: '1000500' });
    // Another order's release is not this order's.
    await erp.postGoodsMovement(move('hold:1000501#1', '1000501', '343', '1'));

    expect(await movements('1000500')).toEqual(['101 unrestricted 6', '101 blocked 10', '102 blocked 10', '343 - 4', '344 - 4']);
    expect(await movements('1000501')).toEqual(['343 - 1']);
  });

  it('scraps held units (555) and takes the scrap back (556), by the workflow or by cancelling the document in SAP', async () => {
    const erp = adapter();
    await erp.postGoodsMovement(move('hold:1000510#1', '1000510', '101', '5', 'blocked'));
    const scrap = await erp.postGoodsMovement(move('hold:1000510#2', '1000510', '555', '2'));
    expect(lastDocument()).toMatchObject({ GoodsMovementCode: '03' });
    expect(lastDocument().to_MaterialDocumentItem.results.map((i) => [i.GoodsMovementType, i.ManufacturingOrder, i.MaterialDocumentItemText, i.InventoryStockType])).toEqual([['555', '', '1000510', '07']]);
    await erp.postGoodsMovement(move('hold:1000510#3', '1000510', '556', '2'));
    expect(await movements('1000510')).toEqual(['101 blocked 5', '555 - 2', '556 - 2']);

    // A scrap cancelled in SAP: its 556 keeps the item text, so the order still finds both.
    const again = await erp.postGoodsMovement(move('hold:1000510#4', '1000510', '555', '1'));
    await erp.cancelMaterialDocument(again.document);
    expect(lastDocument().to_MaterialDocumentItem.results[0]).toMatchObject({ GoodsMovementType: '556', MaterialDocumentItemText: '1000510', InventoryStockType: '07' });
    expect(await movements('1000510')).toEqual(['101 blocked 5', '555 - 2', '556 - 2', '555 - 1 cancelled', '556 - 1']);
    expect(await erp.findPostings(scrap.postingKey)).toEqual([scrap]);
  });

  it("lists a confirmation's operation beside the movements", async () => {
    const erp = adapter();
    await erp.postConfirmation({ postingKey: 'wo:1000520#1', erpOrderId: '1000520', operation: '0020', yieldQty: '8', scrapQty: '0', unit: 'PC', isFinal: false });
    await erp.postGoodsMovement(move('wo:1000520#2', '1000520', '101', '8'));
    await erp.postGoodsMovement(move('wo:1000520#3', '1000520', '261', '3'));
    const listed = await erp.listOrderPostings('1000520');
    expect(listed.map((p) => [p.kind, p.movementType, p.operation, p.stockType])).toEqual([
      ['confirmation', null, '0020', undefined],
      ['goods-movement', '101', undefined, 'unrestricted'],
      ['goods-movement', '261', undefined, undefined],
    ]);
  });

  it('refuses a stock type on a transfer posting before SAP sees it, and passes on SAP refusing a scrap of more than the blocked stock', async () => {
    const sent = double.sap.store.materialDocuments.length;
    const withStock = { ...move('hold:1000530#1', '1000530', '343', '4'), stockType: 'blocked' as const };
    expect(GoodsMovementRequest.safeParse(withStock).success).toBe(false);
    const err = await refusal(adapter().postGoodsMovement(withStock));
    expect(err).toBeInstanceOf(ErpRejected);
    expect(err.message).toBe('SAP material document hold:1000530#1: stockType "blocked" on a 343: only a 101 or 102 names its stock');
    expect(double.sap.store.materialDocuments).toHaveLength(sent);

    // The double keeps no stock; a real system refuses the deficit (M7/021) and commits nothing.
    double.sap.queueError({ path: 'A_MaterialDocumentHeader', status: 400, code: 'M7/021', text: 'Deficit of SL Blocked stock 3 PC : BRACKET-A 1010 0001', times: 1 });
    const deficit = await refusal(adapter().postGoodsMovement(move('hold:1000530#2', '1000530', '555', '3')));
    expect(deficit).toBeInstanceOf(ErpRejected);
    expect(deficit.message).toMatch(/HTTP 400: Deficit of SL Blocked stock 3 PC : BRACKET-A 1010 0001 \(M7\/021\)/);
    expect(double.sap.store.materialDocuments).toHaveLength(sent);
  });

  it('the double refuses an order as account assignment on a transfer posting, as SAP does', () => {
    expect(() => double.sap.store.createMaterialDocument({
      GoodsMovementCode: '04',
      to_MaterialDocumentItem: [{ Material: 'BRACKET-A', Plant: '1010', GoodsMovementType: '343', ManufacturingOrder: '1000540', QuantityInEntryUnit: '1', EntryUnit: 'ST' }],
    })).toThrow(/account assignment to order 1000540 is not possible/);
  });
});
