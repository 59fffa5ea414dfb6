import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErpRejected, ErpReplyUnreadable, ErpUnavailable } from '../../../contracts/erp-port.js';
import {
  MaterialDocumentHeader,
  MaterialDocumentKey,
  ProdnOrdConf2Read,
  odataCollection,
  odataEntity,
} from '../../../contracts/messages/sap-odata.js';
import { postOnce } from '../../../erp/post-once.js';
import { S4HanaErpAdapter } from '../../../erp/s4hana/adapter.js';
import { sapError } from '../../../erp/s4hana/sap-errors.js';
import { SAP_CREDS, useSapDouble } from '../../helpers/sap-double.js';

// SAP's OData v2 replies as SAP's references describe them, read by the adapter's schemas and sent by the double.
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/erp/s4hana/${name}.json`, import.meta.url), 'utf8'));
const double = useSapDouble();
const { adapter } = double;
const auth = `Basic ${Buffer.from(`${SAP_CREDS.user}:${SAP_CREDS.password}`).toString('base64')}`;
const get = async (path: string) =>
  (await (await fetch(`${double.baseUrl}/sap/opu/odata/sap/${path}`, { headers: { authorization: auth, accept: 'application/json' } })).json()) as {
    d: { results: Array<Record<string, unknown>> };
  };
beforeEach(() => {
  double.sap.faults.set({});
});

const movement = (postingKey: string, erpOrderId: string, movementType: '101' | '261' = '101') => ({
  postingKey, erpOrderId, movementType, plant: '1010', storageLocation: '0002', items: [{ material: 'BRACKET-A', quantity: '40', unit: 'PC' }],
});
const conf = (postingKey: string, erpOrderId: string) => ({ postingKey, erpOrderId, operation: '0010', yieldQty: '40', scrapQty: '0', unit: 'PC', isFinal: false });

describe("SAP's OData v2 replies", () => {
  it('reads a header with deferred items, one with expanded items, and a confirmation with properties it does not use', () => {
    const deferred = odataCollection(MaterialDocumentHeader).parse(fixture('material-document-header-deferred'));
    expect(deferred.d.results[0]).toMatchObject({ MaterialDocument: '4900000101', PostingDate: '/Date(1767225600000+0000)/', to_MaterialDocumentItem: { __deferred: { uri: expect.stringMatching(/to_MaterialDocumentItem$/) } } });
    expect(odataCollection(MaterialDocumentKey).parse(fixture('material-document-header-deferred')).d.results).toEqual([{ MaterialDocumentYear: '2026', MaterialDocument: '4900000101' }]);
    const expanded = odataEntity(MaterialDocumentHeader).parse(fixture('material-document-header-expanded'));
    expect(expanded.d.to_MaterialDocumentItem).toMatchObject({ results: [{ Material: 'SCREW-M6', QuantityInEntryUnit: '168.000' }] });
    expect(odataCollection(ProdnOrdConf2Read).parse(fixture('prodn-ord-conf2')).d.results[0]).toEqual({
      OrderOperation: '0010', ConfirmationGroup: '0000000101', ConfirmationCount: '00000001', ConfirmationYieldQuantity: '40.000', ConfirmationScrapQuantity: '2.000',
      IsFinalConfirmation: false, ConfirmationText: 'work-order:plant1:1000123#1', IsReversed: false, PostingDate: '/Date(1767225600000)/',
    });
  });

  it('the double answers as SAP does: __metadata, deferred navigation unless $expand, $select, /Date()/, decimals with scale', async () => {
    await adapter().postGoodsMovement(movement('odata#1', '1000301', '261'));
    const plain = (await get(`API_MATERIAL_DOCUMENT_SRV/A_MaterialDocumentHeader?$filter=${encodeURIComponent("MaterialDocumentHeaderText eq 'odata#1'")}`)).d.results[0]!;
    expect(plain).toMatchObject({ __metadata: { type: 'API_MATERIAL_DOCUMENT_SRV.A_MaterialDocumentHeaderType' }, PostingDate: expect.stringMatching(/^\/Date\(\d+\)\/$/) });
    const nav = (plain.to_MaterialDocumentItem as { __deferred: { uri: string } }).__deferred.uri;
    const items = (await (await fetch(nav, { headers: { authorization: auth, accept: 'application/json' } })).json()) as { d: { results: Array<Record<string, unknown>> } };
    expect(items.d.results).toEqual([expect.objectContaining({ Material: 'BRACKET-A', QuantityInEntryUnit: '40.000', GoodsMovementType: '261' })]);
    const expanded = (await get(`API_MATERIAL_DOCUMENT_SRV/A_MaterialDocumentHeader?$filter=${encodeURIComponent("MaterialDocumentHeaderText eq 'odata#1'")}&$expand=to_MaterialDocumentItem`)).d.results[0]!;
    expect(expanded.to_MaterialDocumentItem).toMatchObject({ results: [{ Material: 'BRACKET-A' }] });
    const selected = (await get(`API_MATERIAL_DOCUMENT_SRV/A_MaterialDocumentHeader?$filter=${encodeURIComponent("MaterialDocumentHeaderText eq 'odata#1'")}&$select=MaterialDocumentYear,MaterialDocument`)).d.results[0]!;
    expect(Object.keys(selected).sort()).toEqual(['MaterialDocument', 'MaterialDocumentYear', '__metadata']);
  });

  it('a lost reply to a 101: the look-up reads the header SAP sends and finds the document, once', async () => {
    const erp = adapter();
    double.sap.faults.set({ replyLossRate: 1 });
    const post = () => erp.postGoodsMovement(movement('work-order:plant1:1000302#3', '1000302'));
    await expect(postOnce(erp, 'work-order:plant1:1000302#3', post, 'goods-movement')).rejects.toBeInstanceOf(ErpUnavailable);
    double.sap.faults.set({});
    const retry = await postOnce(erp, 'work-order:plant1:1000302#3', post, 'goods-movement');
    expect(retry.replayed).toBe(true);
    expect(double.sap.store.materialDocuments.filter((d) => d.to_MaterialDocumentItem.results[0]!.ManufacturingOrder === '1000302')).toHaveLength(1);
    expect(await erp.listOrderPostings('1000302')).toEqual([expect.objectContaining({ movementType: '101', items: [{ material: 'BRACKET-A', quantity: '40', unit: 'PC' }] })]);
  });
});

describe('an SAP that answers every look-up with the whole header, $select or not', () => {
  let server: Server;
  let baseUrl = '';
  beforeAll(async () => {
    // The header as SAP sends it unselected: __metadata, dates, its items deferred; and, for the next test, a
    // number where SAP's reference says Edm.String.
    const unreadable = { d: { results: [{ MaterialDocumentYear: '2026', MaterialDocument: 4900000001 }] } };
    server = createServer((req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.url?.includes('unreadable') ? unreadable : fixture('material-document-header-deferred'))),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('the lost-reply look-up of a 101 reads the header with deferred to_MaterialDocumentItem and finds the document', async () => {
    const erp = new S4HanaErpAdapter({ baseUrl, auth: { kind: 'basic', user: 'U', password: 'P' } });
    expect(await erp.findPostings('work-order:plant1:1000123#3', 'goods-movement')).toEqual([{ document: '4900000101/2026', postingKey: 'work-order:plant1:1000123#3' }]);
  });

  it('a reply the adapter cannot read is a refusal a person sees (not retried), naming the entity and the problem', async () => {
    const erp = new S4HanaErpAdapter({ baseUrl, auth: { kind: 'basic', user: 'U', password: 'P' } });
    const err = await erp.findPostings('unreadable#1', 'goods-movement').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ErpReplyUnreadable);
    expect(err).toBeInstanceOf(ErpRejected);
    expect((err as Error).message).toMatch(/SAP GET API_MATERIAL_DOCUMENT_SRV\/A_MaterialDocumentHeader: reply not readable: d\.results\[0\]\.MaterialDocument: .*string/);
  });
});

describe('CSRF token and session cookie', () => {
  it('the first post after start carries its token with its session cookie: no 403', async () => {
    const before = { ...double.sap.csrf };
    await adapter().postConfirmation(conf('csrf-first#1', '1000310'));
    expect(double.sap.csrf).toEqual({ fetches: before.fetches + 1, refusals: before.refusals });
  });

  it('reads that open sessions of their own while the token is fetched do not separate the token from its cookie', async () => {
    const erp = adapter();
    const before = { ...double.sap.csrf };
    await Promise.all([
      ...Array.from({ length: 8 }, (_v, i) => erp.findPostings(`csrf-read#${i}`, 'confirmation')),
      ...Array.from({ length: 8 }, (_v, i) => erp.postConfirmation(conf(`csrf-mixed#${i}`, '1000312'))),
    ]);
    expect(double.sap.csrf).toEqual({ fetches: before.fetches + 1, refusals: before.refusals });
  });

  it('N concurrent posts share one token fetch, and one refetch after the token expired', async () => {
    const erp = adapter();
    const before = { ...double.sap.csrf };
    await Promise.all(Array.from({ length: 8 }, (_v, i) => erp.postConfirmation(conf(`csrf-many#${i}`, '1000311'))));
    expect(double.sap.csrf).toEqual({ fetches: before.fetches + 1, refusals: before.refusals });
    double.sap.expireCsrfTokens();
    await Promise.all(Array.from({ length: 8 }, (_v, i) => erp.postConfirmation(conf(`csrf-again#${i}`, '1000311'))));
    expect(double.sap.csrf.fetches).toBe(before.fetches + 2);
    expect(double.sap.store.confirmations.filter((c) => c.OrderID === '1000311')).toHaveLength(16);
  });
});

describe('SAP message ids', () => {
  it("reads the id from SAP Gateway's error body, past Gateway's own framing in the details", () => {
    const err = sapError('SAP POST API_MATERIAL_DOCUMENT_SRV/A_MaterialDocumentHeader', 400, JSON.stringify(fixture('error-lock-m3-897')));
    expect(err).toBeInstanceOf(ErpUnavailable);
    expect(err).toMatchObject({ status: 400, messageId: 'M3/897' });
    const framed = { error: { code: '/IWBEP/CM_MGW_RT/000', message: { value: 'Deficit' }, innererror: { errordetails: [{ code: 'M7/021', message: 'Deficit', severity: 'error' }] } } };
    expect(sapError('x', 400, JSON.stringify(framed))).toMatchObject({ name: 'ErpRejected', messageId: 'M7/021' });
    expect(sapError('x', 503, '<html>down</html>')).toMatchObject({ name: 'ErpUnavailable', status: 503 });
  });

  it('a lock (HTTP 400, M3/897) is transient: retried, with status, id and text on the error; then the post goes through', async () => {
    const erp = adapter();
    double.sap.queueError({ path: 'A_MaterialDocumentHeader', status: 400, code: 'M3/897', text: 'The plant data of the material SCREW-M6 is locked by the user PLANNER2', times: 1 });
    const err = await erp.postGoodsMovement(movement('lock#1', '1000320', '261')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ErpUnavailable);
    expect(err).toMatchObject({ status: 400, messageId: 'M3/897', text: expect.stringMatching(/locked by the user PLANNER2/) });
    expect((await postOnce(erp, 'lock#1', () => erp.postGoodsMovement(movement('lock#1', '1000320', '261')), 'goods-movement')).replayed).toBe(false);
    expect(double.sap.store.materialDocumentItems.filter((i) => i.ManufacturingOrder === '1000320')).toHaveLength(1);
  });

  it('an unknown message is permanent and shows its id; the catalogue can be overridden per plant', async () => {
    double.sap.queueError({ status: 400, code: 'ZPP/042', text: 'Line stopped by quality', times: 2 });
    const err = await adapter().postConfirmation(conf('unknown#1', '1000321')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ErpRejected);
    expect((err as Error).message).toMatch(/HTTP 400: Line stopped by quality \(ZPP\/042\).*ZPP\/042 is not in the catalogue/);
    const lenient = new S4HanaErpAdapter({ baseUrl: double.baseUrl, client: SAP_CREDS.client, auth: { kind: 'basic', user: SAP_CREDS.user, password: SAP_CREDS.password }, messages: { 'ZPP/042': 'transient' } });
    await expect(lenient.postConfirmation(conf('unknown#2', '1000321'))).rejects.toBeInstanceOf(ErpUnavailable);
    double.sap.queueError({ status: 400, code: 'M3/897', text: 'locked', times: 1 });
    const strict = new S4HanaErpAdapter({ baseUrl: double.baseUrl, client: SAP_CREDS.client, auth: { kind: 'basic', user: SAP_CREDS.user, password: SAP_CREDS.password }, messages: { 'M3/897': 'permanent' } });
    await expect(strict.postConfirmation(conf('unknown#3', '1000321'))).rejects.toBeInstanceOf(ErpRejected);
  });
});
