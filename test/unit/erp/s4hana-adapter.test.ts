import { beforeEach, describe, expect, it } from 'vitest';
import { postOnce } from '../../../erp/post-once.js';
import { ErpRejected, ErpUnavailable } from '../../../contracts/erp-port.js';
import { S4HanaErpAdapter } from '../../../erp/s4hana/adapter.js';
import { sapReference } from '../../../erp/s4hana/posting-ref.js';
import { SAP_CREDS, useSapDouble } from '../../helpers/sap-double.js';

// The adapter over real HTTP against the SAP test double: CSRF, cookies, auth, envelopes and errors on the wire.
const double = useSapDouble();
const { adapter } = double;
const creds = SAP_CREDS;
beforeEach(() => {
  double.sap.faults.set({});
});

const conf = (postingKey: string, erpOrderId = '1000123', isFinal = false) => ({
  postingKey, erpOrderId, operation: '0010', yieldQty: '40', scrapQty: '2', unit: 'PC', isFinal,
});

describe('S/4HANA adapter against the SAP test double', () => {
  it('posts a confirmation without goods movements and finds it by its key', async () => {
    const erp = adapter();
    const key = 'work-order:plant1:1000123#1';
    const doc = await erp.postConfirmation(conf(key));
    expect(doc.document).toMatch(/^\d{10}\/\d{8}$/);
    const row = double.sap.store.confirmations.at(-1)!;
    expect(row).toMatchObject({ OrderID: '1000123', ConfirmationText: key, APIConfHasNoGoodsMovements: true, ConfirmationYieldQuantity: '40.000' });
    expect(await erp.findPostings(key)).toEqual([{ document: doc.document, postingKey: key }]);
    expect(await erp.findPostings(`${key}0`)).toEqual([]);
  });

  it('keeps a long key in 40 and 25 characters, deterministically', async () => {
    const key = 'work-order:a-very-long-site-name-here:1000123#12';
    expect(sapReference(key, 40)).toHaveLength(40);
    expect(sapReference(key, 25)).toMatch(/^MES[0-9A-F]{22}$/);
    expect(sapReference(key, 25)).toBe(sapReference(key, 25));
    expect(sapReference(key, 25)).not.toBe(sapReference(`${key}3`, 25));
    const erp = adapter();
    const doc = await erp.postGoodsMovement({
      postingKey: key, erpOrderId: '1000124', movementType: '261', plant: '1010', storageLocation: '0002',
      items: [{ material: 'SHEET-2MM', quantity: '10.5', unit: 'KG' }, { material: 'SCREW-M6', quantity: '168', unit: 'PC' }],
    });
    const header = double.sap.store.materialDocuments.at(-1)!;
    expect(header).toMatchObject({ GoodsMovementCode: '03', MaterialDocumentHeaderText: sapReference(key, 25) });
    expect(header.to_MaterialDocumentItem!.results[0]).toMatchObject({ GoodsMovementType: '261', ManufacturingOrder: '1000124', Plant: '1010', QuantityInEntryUnit: '10.500' });
    expect(await erp.findPostings(key)).toEqual([{ document: doc.document, postingKey: key }]);
    const listed = await erp.listOrderPostings('1000124');
    expect(listed).toEqual([expect.objectContaining({
      kind: 'goods-movement', movementType: '261', cancelled: false,
      items: [{ material: 'SHEET-2MM', quantity: '10.5', unit: 'KG' }, { material: 'SCREW-M6', quantity: '168', unit: 'PC' }],
    })]);
  });

  it('fetches a new CSRF token when SAP says Required, and posts once', async () => {
    const erp = adapter();
    await erp.postConfirmation(conf('csrf#1', '1000130'));
    double.sap.expireCsrfTokens();
    await erp.postConfirmation(conf('csrf#2', '1000130'));
    expect(double.sap.store.confirmations.filter((c) => c.OrderID === '1000130')).toHaveLength(2);
  });

  it('maps SAP errors: business rejection with its message, outage and bad logon as unavailable', async () => {
    double.sap.faults.set({ rejectOrders: ['1000140'] });
    const err = await adapter().postConfirmation(conf('rej#1', '1000140')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ErpRejected);
    expect((err as Error).message).toMatch(/HTTP 400: Order 1000140 is locked by user BOB \(MES_DOUBLE\/001\)/);
    double.sap.faults.set({ outage: true });
    await expect(adapter().findPostings('x#1')).rejects.toBeInstanceOf(ErpUnavailable);
    double.sap.faults.set({});
    const bad = new S4HanaErpAdapter({ baseUrl: double.baseUrl, client: creds.client, auth: { kind: 'basic', user: creds.user, password: 'wrong' } });
    await expect(bad.findPostings('x#1')).rejects.toThrow(/HTTP 401/);
    const otherClient = new S4HanaErpAdapter({ baseUrl: double.baseUrl, client: '200', auth: { kind: 'basic', user: creds.user, password: creds.password } });
    await expect(otherClient.findPostings('x#1')).rejects.toBeInstanceOf(ErpUnavailable);
    const tooLong = await adapter().postGoodsMovement({ postingKey: 'k#1', erpOrderId: '1000141', movementType: '261', items: [{ material: 'A', quantity: '1', unit: 'PC' }] }).catch((e: unknown) => e);
    expect(tooLong).toBeInstanceOf(ErpRejected); // no plant: refused before SAP sees it
  });

  it('turns a lost reply into one document: the retry finds what SAP committed', async () => {
    const erp = adapter();
    double.sap.faults.set({ replyLossRate: 1 });
    await expect(postOnce(erp, 'lost#1', () => erp.postConfirmation(conf('lost#1', '1000150')))).rejects.toBeInstanceOf(ErpUnavailable);
    double.sap.faults.set({});
    const retry = await postOnce(erp, 'lost#1', () => erp.postConfirmation(conf('lost#1', '1000150')));
    expect(retry.replayed).toBe(true);
    expect(double.sap.store.confirmations.filter((c) => c.OrderID === '1000150')).toHaveLength(1);
  });

  it('cancels a confirmation (once, by its key) and a material document the way SAP does', async () => {
    const erp = adapter();
    const c = await erp.postConfirmation(conf('cancel#1', '1000160', true));
    expect(await erp.cancelConfirmation('cancel#1')).toEqual(c);
    const m = await erp.postGoodsMovement({ postingKey: 'cancel#2', erpOrderId: '1000160', movementType: '261', plant: '1010', items: [{ material: 'SCREW-M6', quantity: '4', unit: 'PC' }] });
    await erp.cancelMaterialDocument(m.document);
    const listed = await erp.listOrderPostings('1000160');
    expect(listed.find((p) => p.kind === 'confirmation')).toMatchObject({ cancelled: true, isFinal: true, yieldQty: '40' });
    expect(listed.filter((p) => p.kind === 'goods-movement').map((p) => [p.movementType, p.cancelled])).toEqual([['261', true], ['262', false]]);
    // A retry after a lost reply reads the confirmation first: SAP refuses a second cancellation, the adapter never asks.
    expect(await erp.cancelConfirmation('cancel#1')).toEqual(c);
    expect(double.sap.store.confirmations.filter((x) => x.OrderID === '1000160' && x.IsReversal)).toHaveLength(1);
    expect(await erp.cancelConfirmation('never-posted#1')).toBeNull();
  });

  it('answers Atom XML unless JSON is asked for, as SAP Gateway does', async () => {
    const auth = `Basic ${Buffer.from(`${creds.user}:${creds.password}`).toString('base64')}`;
    const res = await fetch(`${double.baseUrl}/sap/opu/odata/sap/API_PROD_ORDER_CONFIRMATION_2_SRV/ProdnOrdConf2?sap-client=100`, { headers: { authorization: auth } });
    expect(res.headers.get('content-type')).toMatch(/atom\+xml/);
    const post = await fetch(`${double.baseUrl}/sap/opu/odata/sap/API_PROD_ORDER_CONFIRMATION_2_SRV/ProdnOrdConf2`, {
      method: 'POST', headers: { authorization: auth, accept: 'application/json', 'content-type': 'application/json' }, body: '{}',
    });
    expect(post.status).toBe(403);
    expect(post.headers.get('x-csrf-token')).toBe('Required');
  });
});
