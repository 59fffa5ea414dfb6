import { z } from 'zod';
import {
  ErpRejected,
  type ConfirmationRequest,
  type DowntimeRequest,
  type ErpAdapter,
  type ErpDocument,
  type ErpDowntime,
  type ErpPosting,
  type GoodsMovementRequest,
  type PostingKind,
  type QualityNotificationRequest,
} from '../../contracts/erp-port.js';
import {
  CONFIRMATION_SERVICE,
  CONFIRMATION_TEXT_MAX,
  MAINT_NOTIF_EXT_REFERENCE_MAX,
  MAINT_NOTIFICATION_SERVICE,
  MaintenanceNotification,
  type MaintenanceNotificationCreate,
  NOTIFICATION_TEXT_MAX,
  INTERNAL_PROBLEM_REPORT,
  QUALITY_NOTIFICATION_SERVICE_V4,
  QualityNotification,
  type QualityNotificationCreate,
  odataV4Collection,
  MATERIAL_DOCUMENT_HEADER_TEXT_MAX,
  MATERIAL_DOCUMENT_SERVICE,
  MaterialDocumentHeader,
  type MaterialDocumentHeaderCreate,
  MaterialDocumentItem,
  ProdnOrdConf2,
  type ProdnOrdConf2Create,
  odataCollection,
  odataEntity,
  SapOperation,
  SapOrderNumber,
  SapPlant,
  SapStorageLocation,
} from '../../contracts/messages/sap-odata.js';
import { ODataSession, type SapConnection } from './odata-session.js';
import { canonicalDecimal } from '../../contracts/decimal.js';
import { odataString, sapReference } from './posting-ref.js';
import { SAP_MOVEMENT, isoFromSap, sapDateTime, sapField, today } from './sap-fields.js';

/** Documents in the port are strings: `<ConfirmationGroup>/<ConfirmationCount>` and `<MaterialDocument>/<Year>`. */
const confDocument = (c: { ConfirmationGroup: string; ConfirmationCount: string }) => `${c.ConfirmationGroup}/${c.ConfirmationCount}`;
const matDocument = (m: { MaterialDocument: string; MaterialDocumentYear: string }) => `${m.MaterialDocument}/${m.MaterialDocumentYear}`;

/**
 * SAP's standard notification type for a malfunction report (M2); the breakdown indicator makes it count in
 * SAP's availability figures (MTTR/MTBF).
 */
const MALFUNCTION_REPORT = 'M2';
/** Our reference at the head of a quality notification's short text; the rest of its 40 characters is the defect. */
const QN_REFERENCE_MAX = 22;
const qnReference = (postingKey: string) => sapReference(postingKey, QN_REFERENCE_MAX);
const longTextField = (text: string, label: string) => new RegExp(`^${label}: (\\S+)$`, 'm').exec(text)?.[1] ?? null;

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
 */
export class S4HanaErpAdapter implements ErpAdapter {
  readonly name = 's4hana';
  private readonly session: ODataSession;

  constructor(conn: SapConnection) {
    this.session = new ODataSession(conn);
  }

  async findPostings(postingKey: string, kind?: PostingKind): Promise<ErpDocument[]> {
    // Without a kind, every service is asked; the look-ups are cheap and run side by side. With one, only its service.
    const lookups: Record<PostingKind, () => Promise<ErpDocument[]>> = {
      confirmation: async () => (await this.confirmationsByKey(postingKey)).map((c) => ({ document: confDocument(c), postingKey })),
      'goods-movement': async () => {
        const headerText = odataString(sapReference(postingKey, MATERIAL_DOCUMENT_HEADER_TEXT_MAX));
        const r = await this.session.request('GET', MATERIAL_DOCUMENT_SERVICE, `A_MaterialDocumentHeader?$filter=${encodeURIComponent(`MaterialDocumentHeaderText eq ${headerText}`)}`, odataCollection(MaterialDocumentHeader));
        return r.d.results.map((m) => ({ document: matDocument(m), postingKey }));
      },
      'quality-notification': async () => (await this.findQualityNotifications(postingKey)).map((document) => ({ document, postingKey })),
      downtime: async () => {
        const ref = odataString(sapReference(postingKey, MAINT_NOTIF_EXT_REFERENCE_MAX, { upperCase: true }));
        const r = await this.session.request('GET', MAINT_NOTIFICATION_SERVICE, `MaintenanceNotification?$filter=${encodeURIComponent(`MaintNotifExtReferenceNumber eq ${ref}`)}`, odataCollection(MaintenanceNotification));
        return r.d.results.map((n) => ({ document: n.MaintenanceNotification, postingKey }));
      },
    };
    const kinds = kind ? [kind] : (Object.keys(lookups) as PostingKind[]);
    return (await Promise.all(kinds.map((k) => lookups[k]()))).flat();
  }

  /**
   * Downtime as a malfunction report (M2) of API_MAINTNOTIFICATION with the breakdown indicator, malfunction start and
   * end and the breakdown duration in minutes; the machine is the technical object (its functional location label).
   * SAP charges a notification's follow-up costs to the technical object's cost center; the line's cost center as the
   * MES knows it goes into the long text, where reconciliation reads it back. Why this API: docs/erp-s4hana.md.
   */
  async postDowntime(req: DowntimeRequest): Promise<ErpDocument> {
    const plant = sapField(SapPlant, req.plant, 'plant', `downtime ${req.postingKey}`);
    const start = sapDateTime(req.startedAt);
    const end = sapDateTime(req.endedAt);
    const body: MaintenanceNotificationCreate = {
      NotificationText: `Downtime ${req.machine} ${req.state}`.slice(0, NOTIFICATION_TEXT_MAX),
      NotificationType: MALFUNCTION_REPORT,
      MaintenancePlanningPlant: plant,
      TechnicalObject: req.machine.toUpperCase(),
      TechObjIsEquipOrFuncnlLoc: 'EAMS_FL',
      MaintenanceObjectIsDown: true,
      MalfunctionStartDate: start.date,
      MalfunctionStartTime: start.time,
      MalfunctionEndDate: end.date,
      MalfunctionEndTime: end.time,
      MaintObjectDowntimeDuration: req.durationMin,
      MaintObjDowntimeDurationUnit: 'MIN',
      MaintNotifExtReferenceNumber: sapReference(req.postingKey, MAINT_NOTIF_EXT_REFERENCE_MAX, { upperCase: true }),
      MaintNotifLongTextForEdit: [
        `MES downtime ${req.postingKey}`,
        `Line: ${req.line}`,
        `Cost center: ${req.costCenter}`,
        `Machine: ${req.machine}`,
        `State: ${req.state}`,
        `From: ${req.startedAt}`,
        `To: ${req.endedAt}`,
      ].join('\n'),
    };
    const r = await this.session.request('POST', MAINT_NOTIFICATION_SERVICE, 'MaintenanceNotification', odataEntity(MaintenanceNotification), body);
    return { document: r.d.MaintenanceNotification, postingKey: req.postingKey };
  }

  async listDowntime(plant: string): Promise<ErpDowntime[]> {
    sapField(SapPlant, plant, 'plant', 'downtime list');
    const filter = `MaintenancePlanningPlant eq ${odataString(plant)} and NotificationType eq ${odataString(MALFUNCTION_REPORT)}`;
    const r = await this.session.request('GET', MAINT_NOTIFICATION_SERVICE, `MaintenanceNotification?$filter=${encodeURIComponent(filter)}`, odataCollection(MaintenanceNotification));
    return r.d.results.map((n) => ({
      document: n.MaintenanceNotification,
      reference: n.MaintNotifExtReferenceNumber || null,
      machine: longTextField(n.MaintNotificationLongText, 'Machine'),
      costCenter: longTextField(n.MaintNotificationLongText, 'Cost center'),
      state: longTextField(n.MaintNotificationLongText, 'State') as ErpDowntime['state'],
      startedAt: isoFromSap(n.MalfunctionStartDate, n.MalfunctionStartTime),
      endedAt: isoFromSap(n.MalfunctionEndDate, n.MalfunctionEndTime),
      durationMin: canonicalDecimal(Number(n.MaintObjectDowntimeDuration).toFixed(3)),
    }));
  }

  /**
   * An internal problem report (Q3) through SAP's OData v4 quality notification API. The short text carries our
   * reference first (`<reference> <defect text>`, 40 characters in all), so a retry finds it with `startswith`;
   * the reference is the key itself up to 22 characters, else `MES` + 19 hex digits of its SHA-256 (76 bits).
   */
  async raiseQualityNotification(req: QualityNotificationRequest): Promise<ErpDocument> {
    const what = `quality notification ${req.postingKey}`;
    const plant = sapField(SapPlant, req.plant, 'plant', what);
    const order = req.erpOrderId === undefined ? undefined : sapField(SapOrderNumber, req.erpOrderId, 'erpOrderId', what);
    const body: QualityNotificationCreate = {
      NotificationType: INTERNAL_PROBLEM_REPORT,
      NotificationText: `${qnReference(req.postingKey)} ${req.defectText}`.slice(0, NOTIFICATION_TEXT_MAX),
      Material: req.material,
      Plant: plant,
      ...(order ? { ManufacturingOrder: order } : {}),
      ComplaintQuantity: Number(req.quantity),
      NotificationQuantityUnit: req.unit,
      ReportedByUser: req.reportedBy.toUpperCase(),
    };
    const r = await this.session.request('POST', QUALITY_NOTIFICATION_SERVICE_V4, 'QualityNotification', QualityNotification, body);
    return { document: r.QualityNotification, postingKey: req.postingKey };
  }

  private async findQualityNotifications(postingKey: string): Promise<string[]> {
    const filter = `startswith(NotificationText,${odataString(`${qnReference(postingKey)} `)})`;
    const r = await this.session.request('GET', QUALITY_NOTIFICATION_SERVICE_V4, `QualityNotification?$filter=${encodeURIComponent(filter)}`, odataV4Collection(QualityNotification));
    return r.value.map((n) => n.QualityNotification);
  }

  /** Refuses (ErpRejected) an order number SAP cannot hold (AUFNR) or an operation that is not SAP's VORNR. */
  async postConfirmation(req: ConfirmationRequest): Promise<ErpDocument> {
    const what = `confirmation ${req.postingKey}`;
    const body: ProdnOrdConf2Create = {
      OrderID: sapField(SapOrderNumber, req.erpOrderId, 'erpOrderId', what),
      OrderOperation: sapField(SapOperation, req.operation, 'operation', what),
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

  /**
   * One material document of the port's movement (`SAP_MOVEMENT`). Refuses (ErpRejected) a movement without plant, and
   * an order number, plant or storage location SAP cannot hold (AUFNR, WERKS, LGORT).
   */
  async postGoodsMovement(req: GoodsMovementRequest): Promise<ErpDocument> {
    if (!req.plant) throw new ErpRejected(`SAP material document for order ${req.erpOrderId}: no plant (set erpPlant on the line)`);
    const what = `material document ${req.postingKey}`;
    const order = sapField(SapOrderNumber, req.erpOrderId, 'erpOrderId', what);
    const plant = sapField(SapPlant, req.plant, 'plant', what);
    const storageLocation = req.storageLocation === undefined ? undefined : sapField(SapStorageLocation, req.storageLocation, 'storageLocation', what);
    const movement = SAP_MOVEMENT[req.movementType];
    const body: MaterialDocumentHeaderCreate = {
      GoodsMovementCode: movement.code,
      PostingDate: today(),
      DocumentDate: today(),
      MaterialDocumentHeaderText: sapReference(req.postingKey, MATERIAL_DOCUMENT_HEADER_TEXT_MAX),
      to_MaterialDocumentItem: req.items.map((i) => ({
        Material: i.material,
        Plant: plant,
        StorageLocation: storageLocation,
        GoodsMovementType: movement.type,
        ManufacturingOrder: order,
        ...(movement.refDocType ? { GoodsMovementRefDocType: movement.refDocType } : {}),
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
    const [conf] = await this.confirmationsByKey(postingKey);
    if (!conf) return null;
    if (!conf.IsReversed) await this.cancelConfirmationDocument(confDocument(conf));
    return { document: confDocument(conf), postingKey };
  }

  /** Confirmations posted under a key (their reversal records left out), cancelled or not. */
  private async confirmationsByKey(postingKey: string) {
    const confText = odataString(sapReference(postingKey, CONFIRMATION_TEXT_MAX));
    const filter = `ConfirmationText eq ${confText} and IsReversal eq false`;
    return (await this.session.request('GET', CONFIRMATION_SERVICE, `ProdnOrdConf2?$filter=${encodeURIComponent(filter)}`, odataCollection(ProdnOrdConf2))).d.results;
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

  /** Refuses (ErpRejected) an order number SAP cannot hold (AUFNR): SAP holds nothing for it to list. */
  async listOrderPostings(erpOrderId: string): Promise<ErpPosting[]> {
    const order = odataString(sapField(SapOrderNumber, erpOrderId, 'erpOrderId', 'order postings'));
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
