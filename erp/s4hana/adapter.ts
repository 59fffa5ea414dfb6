import { z } from 'zod';
import {
  ErpRejected,
  type ConfirmationRequest,
  type DowntimeRequest,
  type ErpAdapter,
  type ErpDocument,
  type ErpDowntime,
  type ErpOrder,
  type ErpOrderSource,
  type OrderChange,
  type OrderChangeCursor,
  type ErpPosting,
  type GoodsMovementRequest,
  type PostingKind,
  type QualityNotificationRequest,
} from '../../contracts/erp-port.js';
import {
  CONFIRMATION_SERVICE,
  CONFIRMATION_TEXT_MAX,
  MATERIAL_DOCUMENT_HEADER_TEXT_MAX,
  MATERIAL_DOCUMENT_SERVICE,
  MaterialDocumentItemRead,
  MaterialDocumentKey,
  type MaterialDocumentHeaderCreate,
  ProdnOrdConf2Read,
  type ProdnOrdConf2Create,
  odataEntity,
  selectOf,
  SapOperation,
  SapOrderNumber,
  SapPlant,
  SapStorageLocation,
  SAP_BLOCKED_USABILITY,
} from '../../contracts/messages/sap-odata.js';
import { ODataSession, type SapConnection } from './odata-session.js';
import { canonicalDecimal } from '../../contracts/decimal.js';
import { findDowntime, findQualityNotifications, listDowntime, postDowntime, raiseQualityNotification } from './notifications.js';
import { odataQuery, odataString, sapReference } from './posting-ref.js';
import { dateFromSap, MOVEMENTS_WITHOUT_ORDER, orderItemText, SAP_MOVEMENT, sapDate, sapField, stockTypeFromSap, today } from './sap-fields.js';
import { SapProductionOrders } from './production-orders.js';
import { SapUnits } from './units.js';

/** Documents in the port are strings: `<ConfirmationGroup>/<ConfirmationCount>` and `<MaterialDocument>/<Year>`. */
const confDocument = (c: { ConfirmationGroup: string; ConfirmationCount: string }) => `${c.ConfirmationGroup}/${c.ConfirmationCount}`;
const matDocument = (m: { MaterialDocument: string; MaterialDocumentYear: string }) => `${m.MaterialDocument}/${m.MaterialDocumentYear}`;
const query = odataQuery;

/**
 * SAP S/4HANA over its public OData v2 APIs.
 *
 * Goods movements are ours, not SAP's: every confirmation says `APIConfHasNoGoodsMovements: true`, and the backflush
 * (261), its reversal (262) and the goods receipt (101) travel as material documents through
 * API_MATERIAL_DOCUMENT_SRV. Had the confirmation kept SAP's automatic backflush, the 261 we post would consume the
 * components a second time; and as separate documents each step of the saga is posted, looked up and reversed on its
 * own key.
 *
 * The port's order numbers, operations, plants and storage locations are generic; SAP's narrower shapes (AUFNR,
 * VORNR, WERKS, LGORT) are checked here, at the adapter's boundary (`sap-fields.ts`): a value SAP cannot hold is a
 * non-retryable `ErpRejected` naming the field, thrown before SAP sees the request.
 *
 * Every read asks with `$select` for the properties its reply schema reads and no more; the schemas take SAP's OData
 * v2 as it comes (`__metadata`, deferred navigation, decimals with scale, `/Date(ms)/`). A reply they cannot read is
 * an `ErpReplyUnreadable` (non-retryable, naming the entity and the problem), never a retry without end.
 * Downtime and quality notifications: `notifications.ts`.
 */
export class S4HanaErpAdapter implements ErpAdapter, ErpOrderSource {
  readonly name = 's4hana';
  private readonly session: ODataSession;
  private readonly units: SapUnits;
  private readonly orders: SapProductionOrders;
  /** EntryUnitISOCode only where the system's API_MATERIAL_DOCUMENT_SRV has it (SapConnection.materialDocumentIsoUnits). */
  private readonly matDocIso: boolean;
  /** `$select` of A_MaterialDocumentItem: without EntryUnitISOCode unless the service has it (the schema has it optional). */
  private readonly matDocItemSelect: string;

  constructor(private readonly conn: SapConnection) {
    this.session = new ODataSession(conn);
    this.units = new SapUnits(conn.units);
    this.orders = new SapProductionOrders(this.session, this.units, conn.plantTimeZones);
    this.matDocIso = conn.materialDocumentIsoUnits === true;
    this.matDocItemSelect = selectOf(this.matDocIso ? MaterialDocumentItemRead : MaterialDocumentItemRead.omit({ EntryUnitISOCode: true }));
  }

  /** A production order with its operations and components, through API_PRODUCTION_ORDER_2_SRV (production-orders.ts). */
  readOrder(erpOrderId: string): Promise<ErpOrder | null>;
  readOrder(erpOrderId: string, plants: readonly string[]): Promise<ErpOrder | { otherPlant: string } | null>;
  readOrder(erpOrderId: string, plants?: readonly string[]): Promise<ErpOrder | { otherPlant: string } | null> {
    return this.orders.read(erpOrderId, plants);
  }

  /** A keyset page of released production orders of `plants` changed after `after`, for the poller (production-orders.ts). */
  changedOrders(after: OrderChangeCursor, limit: number, plants: readonly string[]): Promise<OrderChange[]> {
    return this.orders.changedSince(after, limit, plants);
  }

  /** The company code's posting periods when they are not calendar months (SapConnection.postingPeriodStarts). */
  get postingPeriodStarts(): readonly string[] | undefined {
    return this.conn.postingPeriodStarts;
  }

  /** How long after a request SAP may still commit it (SapConnection.commitWindowMs): post-once's settle window. */
  get commitWindowMs(): number {
    return this.session.commitWindowMs;
  }

  async findPostings(postingKey: string, kind?: PostingKind): Promise<ErpDocument[]> {
    // Without a kind, every service is asked; the look-ups are cheap and run side by side. With one, only its service.
    const docs = (found: string[]) => found.map((document) => ({ document, postingKey }));
    const lookups: Record<PostingKind, () => Promise<ErpDocument[]>> = {
      confirmation: async () => (await this.confirmationsByKey(postingKey)).map((c) => ({ document: confDocument(c), postingKey })),
      'goods-movement': async () => {
        const headerText = odataString(sapReference(postingKey, MATERIAL_DOCUMENT_HEADER_TEXT_MAX));
        const path = query('A_MaterialDocumentHeader', `MaterialDocumentHeaderText eq ${headerText}`, selectOf(MaterialDocumentKey));
        return docs((await this.session.collection(MATERIAL_DOCUMENT_SERVICE, path, MaterialDocumentKey)).map(matDocument));
      },
      'quality-notification': async () => docs(await findQualityNotifications(this.session, postingKey)),
      downtime: async () => docs(await findDowntime(this.session, postingKey)),
    };
    const kinds = kind ? [kind] : (Object.keys(lookups) as PostingKind[]);
    return (await Promise.all(kinds.map((k) => lookups[k]()))).flat();
  }

  /** A malfunction report (M2) per stop: `notifications.ts`. */
  postDowntime(req: DowntimeRequest): Promise<ErpDocument> {
    return postDowntime(this.session, req);
  }

  listDowntime(plant: string): Promise<ErpDowntime[]> {
    return listDowntime(this.session, plant);
  }

  /** An internal problem report (Q3) through the OData v4 quality notification API: `notifications.ts`. */
  raiseQualityNotification(req: QualityNotificationRequest): Promise<ErpDocument> {
    // NotificationQuantityUnit takes the commercial code, read in the pinned language (units.ts).
    return raiseQualityNotification(this.session, { ...req, unit: this.units.commercial(req.unit) });
  }

  /** Refuses (ErpRejected) an order number SAP cannot hold (AUFNR) or an operation that is not SAP's VORNR. */
  async postConfirmation(req: ConfirmationRequest): Promise<ErpDocument> {
    const what = `confirmation ${req.postingKey}`;
    const body: ProdnOrdConf2Create = {
      OrderID: sapField(SapOrderNumber, req.erpOrderId, 'erpOrderId', what),
      OrderOperation: sapField(SapOperation, req.operation, 'operation', what),
      // The ISO code where the plant file maps the unit: the same in every logon language (units.ts).
      ...(this.units.iso(req.unit) ? { ConfirmationUnitISOCode: this.units.iso(req.unit) } : { ConfirmationUnit: req.unit }),
      ConfirmationYieldQuantity: req.yieldQty,
      ConfirmationScrapQuantity: req.scrapQty,
      IsFinalConfirmation: req.isFinal,
      // Closes the reservation items a final 261 did not (nothing left to issue): API_PROD_ORDER_CONFIRMATION_2_SRV,
      // A_ProdnOrdConf2 OpenReservationsIsCleared, "clear open reservations" at final confirmation.
      ...(req.isFinal && req.clearOpenReservations ? { OpenReservationsIsCleared: true } : {}),
      ConfirmationText: sapReference(req.postingKey, CONFIRMATION_TEXT_MAX),
      APIConfHasNoGoodsMovements: true,
      // The plant's date of the production (contracts/erp-port.ts); moved out of a closed period, the production's
      // date stays on the confirmation as its confirmed finish date of execution (IEDD).
      PostingDate: req.postingDate ? sapDate(req.postingDate) : today(),
      ...(req.documentDate ? { ConfirmedExecutionEndDate: sapDate(req.documentDate) } : {}),
    };
    const r = await this.session.request('POST', CONFIRMATION_SERVICE, 'ProdnOrdConf2', odataEntity(ProdnOrdConf2Read.pick({ ConfirmationGroup: true, ConfirmationCount: true })), body);
    return { document: confDocument(r.d), postingKey: req.postingKey };
  }

  /**
   * One material document of the port's movement (`SAP_MOVEMENT`). A 101 or 102 with `stockType: 'blocked'` moves
   * blocked stock (InventoryUsabilityCode `S`). The movements of blocked stock (a blocked 101/102, 343, 344, 555,
   * 556) carry the order number in the item text (`orderItemText`); 343 to 556 carry no ManufacturingOrder, which
   * SAP takes on none of them (`SAP_MOVEMENT`). Refuses (ErpRejected) a movement without plant, a stock type on a
   * movement other than 101/102, and an order number, plant or storage location SAP cannot hold (AUFNR, WERKS, LGORT).
   */
  async postGoodsMovement(req: GoodsMovementRequest): Promise<ErpDocument> {
    if (!req.plant) throw new ErpRejected(`SAP material document for order ${req.erpOrderId}: no plant (set erpPlant on the line)`);
    const what = `material document ${req.postingKey}`;
    if (req.stockType !== undefined && req.movementType !== '101' && req.movementType !== '102')
      throw new ErpRejected(`SAP ${what}: stockType ${JSON.stringify(req.stockType)} on a ${req.movementType}: only a 101 or 102 names its stock`);
    const order = sapField(SapOrderNumber, req.erpOrderId, 'erpOrderId', what);
    const plant = sapField(SapPlant, req.plant, 'plant', what);
    const storageLocation = req.storageLocation === undefined ? undefined : sapField(SapStorageLocation, req.storageLocation, 'storageLocation', what);
    const movement = SAP_MOVEMENT[req.movementType];
    const itemText = orderItemText(req.movementType, req.stockType, order);
    const body: MaterialDocumentHeaderCreate = {
      GoodsMovementCode: movement.code,
      // PostingDate (BUDAT) books the period; DocumentDate (BLDAT) is the production's date, the same unless the
      // posting moved out of a closed period (erp/posting-period.ts).
      PostingDate: req.postingDate ? sapDate(req.postingDate) : today(),
      DocumentDate: sapDate(req.documentDate ?? req.postingDate ?? new Date().toISOString().slice(0, 10)),
      MaterialDocumentHeaderText: sapReference(req.postingKey, MATERIAL_DOCUMENT_HEADER_TEXT_MAX),
      to_MaterialDocumentItem: req.items.map((i, n) => ({
        Material: i.material,
        Plant: plant,
        // The order's component names its own storage location; else the line's.
        StorageLocation: i.storageLocation === undefined ? storageLocation : sapField(SapStorageLocation, i.storageLocation, `items[${n}].storageLocation`, what),
        GoodsMovementType: movement.type,
        ...(movement.withoutOrder ? {} : { ManufacturingOrder: order }),
        ...(movement.refDocType ? { GoodsMovementRefDocType: movement.refDocType } : {}),
        ...(req.stockType === 'blocked' ? { InventoryUsabilityCode: SAP_BLOCKED_USABILITY } : {}),
        ...(itemText ? { MaterialDocumentItemText: itemText } : {}),
        QuantityInEntryUnit: i.quantity,
        // The ISO code where the service has it and the plant file maps the unit, else the commercial code in the
        // pinned language (units.ts, SapConnection.materialDocumentIsoUnits).
        ...(this.matDocIso && this.units.iso(i.unit) ? { EntryUnitISOCode: this.units.iso(i.unit) } : { EntryUnit: this.units.commercial(i.unit) }),
        // The order's reservation: the 261 withdraws against it, the 262 gives it back, and MRP sees no second need.
        ...(i.reservation ? { Reservation: i.reservation.reservation, ReservationItem: i.reservation.reservationItem } : {}),
        // Only a goods issue closes a reservation; its reversal (262) reopens what it gives back.
        ...(i.reservation && i.finalIssue && movement.type === '261' ? { ReservationIsFinallyIssued: true } : {}),
        ...(i.batch ? { Batch: i.batch } : {}),
      })),
    };
    const r = await this.session.request('POST', MATERIAL_DOCUMENT_SERVICE, 'A_MaterialDocumentHeader', odataEntity(MaterialDocumentKey), body);
    return { document: matDocument(r.d), postingKey: req.postingKey };
  }

  /**
   * CancelProdnOrdConf: SAP writes a reversal record and marks the confirmation IsReversed. SAP refuses a second
   * cancellation, so the confirmation is read first and one already reversed is answered, not cancelled again.
   */
  async cancelConfirmation(postingKey: string): Promise<ErpDocument | null> {
    const [conf] = await this.confirmationsByKey(postingKey);
    if (!conf) return null;
    if (!conf.IsReversed) await this.cancelConfirmationDocument(confDocument(conf));
    return { document: confDocument(conf), postingKey };
  }

  /** Confirmations posted under a key (their reversal records left out), cancelled or not. */
  private async confirmationsByKey(postingKey: string) {
    const confText = odataString(sapReference(postingKey, CONFIRMATION_TEXT_MAX));
    const filter = `ConfirmationText eq ${confText} and IsReversal eq false`;
    return this.session.collection(CONFIRMATION_SERVICE, query('ProdnOrdConf2', filter, selectOf(ProdnOrdConf2Read)), ProdnOrdConf2Read);
  }

  private async cancelConfirmationDocument(document: string): Promise<void> {
    const [group, count] = document.split('/');
    const q = `ConfirmationGroup=${encodeURIComponent(odataString(group!))}&ConfirmationCount=${encodeURIComponent(odataString(count!))}`;
    await this.session.request('POST', CONFIRMATION_SERVICE, `CancelProdnOrdConf?${q}`, odataEntity(z.unknown()));
  }

  /** Cancel on A_MaterialDocumentHeader: reverses every item of the document. */
  async cancelMaterialDocument(document: string): Promise<void> {
    const [number, year] = document.split('/');
    const q = `MaterialDocumentYear=${encodeURIComponent(odataString(year!))}&MaterialDocument=${encodeURIComponent(odataString(number!))}`;
    await this.session.request('POST', MATERIAL_DOCUMENT_SERVICE, `Cancel?${q}`, odataEntity(z.unknown()));
  }

  /**
   * The order's confirmations (with their operation) and material documents: those SAP holds against the order
   * (ManufacturingOrder) and the movements of blocked stock it holds without it (343, 344, 555, 556), found by the
   * order number in their item text (`orderItemText`). A 101 or 102 says its stock (`stockType`). Lines SAP added
   * itself (the receiving side of a transfer posting, IsAutomaticallyCreated) are left out: each movement counts once.
   * Refuses (ErpRejected) an order number SAP cannot hold (AUFNR): SAP holds nothing for it to list.
   */
  async listOrderPostings(erpOrderId: string): Promise<ErpPosting[]> {
    const order = odataString(sapField(SapOrderNumber, erpOrderId, 'erpOrderId', 'order postings'));
    const withoutOrder = MOVEMENTS_WITHOUT_ORDER.map((t) => `GoodsMovementType eq '${t}'`).join(' or ');
    const items = (filter: string) => this.session.collection(MATERIAL_DOCUMENT_SERVICE, query('A_MaterialDocumentItem', filter, this.matDocItemSelect), MaterialDocumentItemRead);
    const [confs, ordered, byText] = await Promise.all([
      this.session.collection(CONFIRMATION_SERVICE, query('ProdnOrdConf2', `OrderID eq ${order} and IsReversal eq false`, selectOf(ProdnOrdConf2Read)), ProdnOrdConf2Read),
      items(`ManufacturingOrder eq ${order}`),
      items(`MaterialDocumentItemText eq ${order} and (${withoutOrder})`),
    ]);
    // The text is free: only the movements that carry the order there count by it.
    const textual = byText.filter((i) => MOVEMENTS_WITHOUT_ORDER.includes(i.GoodsMovementType));
    const byDoc = new Map<string, ErpPosting>();
    for (const i of [...ordered, ...textual]) {
      if (i.IsAutomaticallyCreated === 'X') continue;
      const doc = matDocument(i);
      const receipt = i.GoodsMovementType === '101' || i.GoodsMovementType === '102';
      const p = byDoc.get(doc) ?? {
        document: doc, reference: null, kind: 'goods-movement' as const, yieldQty: null, scrapQty: null, isFinal: null,
        movementType: i.GoodsMovementType, ...(receipt ? { stockType: stockTypeFromSap(i) } : {}), items: [], cancelled: false,
      };
      p.items.push({
        material: i.Material,
        quantity: canonicalDecimal(i.QuantityInEntryUnit),
        unit: this.units.fromSap('A_MaterialDocumentItem.EntryUnit', i.EntryUnit, i.EntryUnitISOCode || undefined),
        ...(i.Reservation ? { reservation: { reservation: i.Reservation, reservationItem: i.ReservationItem ?? '' } } : {}),
      });
      p.cancelled ||= i.GoodsMovementIsCancelled;
      byDoc.set(doc, p);
    }
    return [
      ...confs.map((c): ErpPosting => ({
        document: confDocument(c), reference: c.ConfirmationText, kind: 'confirmation',
        yieldQty: canonicalDecimal(c.ConfirmationYieldQuantity), scrapQty: canonicalDecimal(c.ConfirmationScrapQuantity),
        isFinal: c.IsFinalConfirmation, movementType: null, operation: c.OrderOperation || null, items: [], cancelled: c.IsReversed,
        postingDate: dateFromSap(c.PostingDate),
      })),
      ...byDoc.values(),
    ];
  }
}
