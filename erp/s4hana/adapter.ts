import { z } from 'zod';
import type { ConfirmationRequest, GoodsMovementRequest } from '../../contracts/messages/erp-sim.js';
import {
  CONFIRMATION_SERVICE,
  CONFIRMATION_TEXT_MAX,
  MATERIAL_DOCUMENT_HEADER_TEXT_MAX,
  MATERIAL_DOCUMENT_SERVICE,
  MaterialDocumentHeader,
  type MaterialDocumentHeaderCreate,
  MaterialDocumentItem,
  ProdnOrdConf2,
  type ProdnOrdConf2Create,
  odataCollection,
  odataEntity,
} from '../../contracts/messages/sap-odata.js';
import { ErpRejected, type ErpAdapter, type ErpDocument, type ErpPosting } from '../port.js';
import { ODataSession, type SapConnection } from './odata-session.js';
import { canonicalDecimal, odataString, sapReference } from './posting-ref.js';

// SAP's goods movement codes (GMCODE): 02 goods receipt for a production order, 03 goods issue.
const MOVEMENT_CODE = { '101': '02', '102': '02', '261': '03', '262': '03' } as const;

/** Documents in the port are strings: `<ConfirmationGroup>/<ConfirmationCount>` and `<MaterialDocument>/<Year>`. */
const confDocument = (c: { ConfirmationGroup: string; ConfirmationCount: string }) => `${c.ConfirmationGroup}/${c.ConfirmationCount}`;
const matDocument = (m: { MaterialDocument: string; MaterialDocumentYear: string }) => `${m.MaterialDocument}/${m.MaterialDocumentYear}`;

/** Edm.DateTime in OData v2 JSON: `/Date(<ms since epoch>)/`, midnight UTC of the posting day. */
const today = () => `/Date(${Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate())})/`;

/**
 * SAP S/4HANA over its public OData v2 APIs.
 *
 * Goods movements are ours, not SAP's: every confirmation says `APIConfHasNoGoodsMovements: true`, and the backflush
 * (261), its reversal (262) and the goods receipt (101) travel as material documents through
 * API_MATERIAL_DOCUMENT_SRV. Had the confirmation kept SAP's automatic backflush, the 261 we post would consume the
 * components a second time; and as separate documents each step of the saga is posted, looked up and reversed on its
 * own key.
 */
export class S4HanaErpAdapter implements ErpAdapter {
  readonly name = 's4hana';
  private readonly session: ODataSession;

  constructor(conn: SapConnection) {
    this.session = new ODataSession(conn);
  }

  async findPostings(postingKey: string): Promise<ErpDocument[]> {
    // The port does not say which kind the key is; the two look-ups are cheap and run side by side.
    const confText = odataString(sapReference(postingKey, CONFIRMATION_TEXT_MAX));
    const headerText = odataString(sapReference(postingKey, MATERIAL_DOCUMENT_HEADER_TEXT_MAX));
    const [confs, docs] = await Promise.all([
      this.session.request('GET', CONFIRMATION_SERVICE, `ProdnOrdConf2?$filter=${encodeURIComponent(`ConfirmationText eq ${confText} and IsReversal eq false`)}`, odataCollection(ProdnOrdConf2)),
      this.session.request('GET', MATERIAL_DOCUMENT_SERVICE, `A_MaterialDocumentHeader?$filter=${encodeURIComponent(`MaterialDocumentHeaderText eq ${headerText}`)}`, odataCollection(MaterialDocumentHeader)),
    ]);
    return [
      ...confs.d.results.map((c) => ({ document: confDocument(c), postingKey })),
      ...docs.d.results.map((m) => ({ document: matDocument(m), postingKey })),
    ];
  }

  async postConfirmation(req: ConfirmationRequest): Promise<ErpDocument> {
    const body: ProdnOrdConf2Create = {
      OrderID: req.erpOrderId,
      OrderOperation: req.operation,
      ConfirmationUnit: req.unit,
      ConfirmationYieldQuantity: req.yieldQty,
      ConfirmationScrapQuantity: req.scrapQty,
      IsFinalConfirmation: req.isFinal,
      ConfirmationText: sapReference(req.postingKey, CONFIRMATION_TEXT_MAX),
      APIConfHasNoGoodsMovements: true,
      PostingDate: today(),
    };
    const r = await this.session.request('POST', CONFIRMATION_SERVICE, 'ProdnOrdConf2', odataEntity(ProdnOrdConf2), body);
    return { document: confDocument(r.d), postingKey: req.postingKey };
  }

  async postGoodsMovement(req: GoodsMovementRequest): Promise<ErpDocument> {
    if (!req.plant) throw new ErpRejected(`SAP material document for order ${req.erpOrderId}: no plant (set erpPlant on the line)`);
    const body: MaterialDocumentHeaderCreate = {
      GoodsMovementCode: MOVEMENT_CODE[req.movementType],
      PostingDate: today(),
      DocumentDate: today(),
      MaterialDocumentHeaderText: sapReference(req.postingKey, MATERIAL_DOCUMENT_HEADER_TEXT_MAX),
      to_MaterialDocumentItem: req.items.map((i) => ({
        Material: i.material,
        Plant: req.plant!,
        StorageLocation: req.storageLocation,
        GoodsMovementType: req.movementType,
        ManufacturingOrder: req.erpOrderId,
        // A receipt (or its reversal) against a production order references it: GoodsMovementRefDocType F.
        ...(req.movementType === '101' || req.movementType === '102' ? { GoodsMovementRefDocType: 'F' } : {}),
        QuantityInEntryUnit: i.quantity,
        EntryUnit: i.unit,
      })),
    };
    const r = await this.session.request('POST', MATERIAL_DOCUMENT_SERVICE, 'A_MaterialDocumentHeader', odataEntity(MaterialDocumentHeader), body);
    return { document: matDocument(r.d), postingKey: req.postingKey };
  }

  /**
   * CancelProdnOrdConf: SAP writes a reversal record and marks the confirmation IsReversed. SAP refuses a second
   * cancellation, so the confirmation is read first and one already reversed is answered, not cancelled again.
   */
  async cancelConfirmation(postingKey: string): Promise<ErpDocument | null> {
    const confText = odataString(sapReference(postingKey, CONFIRMATION_TEXT_MAX));
    const filter = `ConfirmationText eq ${confText} and IsReversal eq false`;
    const r = await this.session.request('GET', CONFIRMATION_SERVICE, `ProdnOrdConf2?$filter=${encodeURIComponent(filter)}`, odataCollection(ProdnOrdConf2));
    const [conf] = r.d.results;
    if (!conf) return null;
    if (!conf.IsReversed) await this.cancelConfirmationDocument(confDocument(conf));
    return { document: confDocument(conf), postingKey };
  }

  private async cancelConfirmationDocument(document: string): Promise<void> {
    const [group, count] = document.split('/');
    const q = `ConfirmationGroup=${encodeURIComponent(odataString(group!))}&ConfirmationCount=${encodeURIComponent(odataString(count!))}`;
    await this.session.request('POST', CONFIRMATION_SERVICE, `CancelProdnOrdConf?${q}`, odataEntity(ProdnOrdConf2));
  }

  /** Cancel on A_MaterialDocumentHeader: reverses every item of the document. */
  async cancelMaterialDocument(document: string): Promise<void> {
    const [number, year] = document.split('/');
    const q = `MaterialDocumentYear=${encodeURIComponent(odataString(year!))}&MaterialDocument=${encodeURIComponent(odataString(number!))}`;
    await this.session.request('POST', MATERIAL_DOCUMENT_SERVICE, `Cancel?${q}`, odataEntity(z.unknown()));
  }

  async listOrderPostings(erpOrderId: string): Promise<ErpPosting[]> {
    const order = odataString(erpOrderId);
    const [confs, items] = await Promise.all([
      this.session.request('GET', CONFIRMATION_SERVICE, `ProdnOrdConf2?$filter=${encodeURIComponent(`OrderID eq ${order} and IsReversal eq false`)}`, odataCollection(ProdnOrdConf2)),
      this.session.request('GET', MATERIAL_DOCUMENT_SERVICE, `A_MaterialDocumentItem?$filter=${encodeURIComponent(`ManufacturingOrder eq ${order}`)}`, odataCollection(MaterialDocumentItem)),
    ]);
    const byDoc = new Map<string, ErpPosting>();
    for (const i of items.d.results) {
      const doc = matDocument(i);
      const p = byDoc.get(doc) ?? {
        document: doc, reference: null, kind: 'goods-movement' as const, yieldQty: null, scrapQty: null, isFinal: null,
        movementType: i.GoodsMovementType, items: [], cancelled: false,
      };
      p.items.push({ material: i.Material, quantity: canonicalDecimal(i.QuantityInEntryUnit), unit: i.EntryUnit });
      p.cancelled ||= i.GoodsMovementIsCancelled;
      byDoc.set(doc, p);
    }
    return [
      ...confs.d.results.map((c): ErpPosting => ({
        document: confDocument(c), reference: c.ConfirmationText, kind: 'confirmation',
        yieldQty: canonicalDecimal(c.ConfirmationYieldQuantity), scrapQty: canonicalDecimal(c.ConfirmationScrapQuantity),
        isFinal: c.IsFinalConfirmation, movementType: null, items: [], cancelled: c.IsReversed,
      })),
      ...byDoc.values(),
    ];
  }
}
