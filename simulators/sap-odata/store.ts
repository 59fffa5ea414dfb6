import type {
  MaintenanceNotification,
  MaintenanceNotificationCreate,
  MaterialDocumentHeader,
  MaterialDocumentHeaderCreate,
  MaterialDocumentItem,
  ProdnOrdConf2,
  ProdnOrdConf2Create,
  QualityNotification,
  QualityNotificationCreate,
} from '../../contracts/messages/sap-odata.js';

/** A material document as the double keeps it: the header with its items, rendered deferred or expanded per request. */
export type MaterialDocumentRow = Omit<MaterialDocumentHeader, 'to_MaterialDocumentItem'> & { to_MaterialDocumentItem: { results: MaterialDocumentItem[] } };

/** Edm.DateTime of today, midnight UTC, as SAP writes it when a request gives no date. */
const todayDate = () => `/Date(${Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate())})/`;

/** SAP renders Edm.Decimal with the field's scale (3 for quantities), so the double does too. */
const scaled = (v: string | undefined) => Number(v ?? '0').toFixed(3);

/** Thrown for what SAP refuses on business grounds; the app renders it as an OData error body. */
export class SapBusinessError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/**
 * The double's books, in memory: confirmations per order operation (ConfirmationGroup = RUECK, ConfirmationCount =
 * RMZHL) and material documents numbered from 4900000000 in the current year, as SAP's standard number ranges do.
 */
export class SapStore {
  readonly confirmations: ProdnOrdConf2[] = [];
  readonly materialDocuments: MaterialDocumentRow[] = [];
  private readonly groups = new Map<string, string>();
  readonly maintenanceNotifications: MaintenanceNotification[] = [];
  readonly qualityNotifications: QualityNotification[] = [];
  private nextMaterialDocument = 4_900_000_000;
  // Notifications share one number range in SAP (QMNUM); the double starts PM and QM apart so tests can tell them.
  private nextMaintenanceNotification = 10_000_000;
  private nextQualityNotification = 200_000_000;

  /** A malfunction report as SAP stores it: the reference in upper case, the long text readable as its own field. */
  createMaintenanceNotification(n: MaintenanceNotificationCreate): MaintenanceNotification {
    const row: MaintenanceNotification = {
      MaintenanceNotification: String(this.nextMaintenanceNotification++),
      NotificationText: n.NotificationText,
      NotificationType: n.NotificationType,
      MaintenancePlanningPlant: n.MaintenancePlanningPlant ?? '',
      TechnicalObject: (n.TechnicalObject ?? '').toUpperCase(),
      MaintenanceObjectIsDown: n.MaintenanceObjectIsDown ?? false,
      MalfunctionStartDate: n.MalfunctionStartDate ?? null,
      MalfunctionStartTime: n.MalfunctionStartTime ?? 'PT00H00M00S',
      MalfunctionEndDate: n.MalfunctionEndDate ?? null,
      MalfunctionEndTime: n.MalfunctionEndTime ?? 'PT00H00M00S',
      // Edm.Double travels as a string in OData v2 JSON.
      MaintObjectDowntimeDuration: String(Number(n.MaintObjectDowntimeDuration ?? 0)),
      MaintObjDowntimeDurationUnit: n.MaintObjDowntimeDurationUnit ?? '',
      MaintNotifExtReferenceNumber: (n.MaintNotifExtReferenceNumber ?? '').toUpperCase(),
      MaintNotificationLongText: n.MaintNotifLongTextForEdit ?? '',
    };
    this.maintenanceNotifications.push(row);
    return row;
  }

  createQualityNotification(q: QualityNotificationCreate): QualityNotification {
    const row: QualityNotification = {
      QualityNotification: String(this.nextQualityNotification++),
      NotificationType: q.NotificationType,
      NotificationText: q.NotificationText,
      Material: q.Material,
      Plant: q.Plant,
      ManufacturingOrder: q.ManufacturingOrder ?? '',
      ComplaintQuantity: Number(q.ComplaintQuantity),
      NotificationQuantityUnit: q.NotificationQuantityUnit,
      ReportedByUser: q.ReportedByUser ?? '',
    };
    this.qualityNotifications.push(row);
    return row;
  }

  createConfirmation(c: ProdnOrdConf2Create): ProdnOrdConf2 {
    const operation = c.OrderOperation ?? '0010';
    const groupKey = `${c.OrderID}/${operation}`;
    const group = this.groups.get(groupKey) ?? String(this.groups.size + 1).padStart(10, '0');
    this.groups.set(groupKey, group);
    const count = this.confirmations.filter((x) => x.ConfirmationGroup === group).length + 1;
    const row: ProdnOrdConf2 = {
      ConfirmationGroup: group,
      ConfirmationCount: String(count).padStart(8, '0'),
      OrderID: c.OrderID,
      OrderOperation: operation,
      ConfirmationUnit: c.ConfirmationUnit,
      ConfirmationYieldQuantity: scaled(c.ConfirmationYieldQuantity),
      ConfirmationScrapQuantity: scaled(c.ConfirmationScrapQuantity),
      IsFinalConfirmation: c.IsFinalConfirmation ?? false,
      ConfirmationText: c.ConfirmationText ?? '',
      IsReversed: false,
      IsReversal: false,
      APIConfHasNoGoodsMovements: c.APIConfHasNoGoodsMovements ?? false,
      PostingDate: c.PostingDate ?? todayDate(),
      ...(c.ConfirmedExecutionEndDate ? { ConfirmedExecutionEndDate: c.ConfirmedExecutionEndDate } : {}),
    };
    this.confirmations.push(row);
    return row;
  }

  cancelConfirmation(group: string, count: string): ProdnOrdConf2 {
    const c = this.confirmations.find((x) => x.ConfirmationGroup === group && x.ConfirmationCount === count && !x.IsReversal);
    if (!c) throw new SapBusinessError('RU/100', `Confirmation ${group}/${count} does not exist`, 404);
    if (c.IsReversed) throw new SapBusinessError('RU/140', `Confirmation ${group}/${count} has already been cancelled`);
    c.IsReversed = true;
    const reversal = { ...c, IsReversed: false, IsReversal: true };
    reversal.ConfirmationCount = String(this.confirmations.filter((x) => x.ConfirmationGroup === group).length + 1).padStart(8, '0');
    this.confirmations.push(reversal);
    return reversal;
  }

  createMaterialDocument(h: MaterialDocumentHeaderCreate): MaterialDocumentRow {
    const year = String(new Date().getUTCFullYear());
    const number = String(this.nextMaterialDocument++);
    const items: MaterialDocumentItem[] = h.to_MaterialDocumentItem.map((i, n) => ({
      MaterialDocumentYear: year,
      MaterialDocument: number,
      MaterialDocumentItem: String(n + 1),
      Material: i.Material,
      Plant: i.Plant,
      StorageLocation: i.StorageLocation ?? '',
      GoodsMovementType: i.GoodsMovementType,
      ManufacturingOrder: i.ManufacturingOrder ?? '',
      QuantityInEntryUnit: scaled(i.QuantityInEntryUnit),
      EntryUnit: i.EntryUnit,
      GoodsMovementIsCancelled: false,
    }));
    const doc: MaterialDocumentRow = {
      MaterialDocumentYear: year,
      MaterialDocument: number,
      GoodsMovementCode: h.GoodsMovementCode,
      MaterialDocumentHeaderText: h.MaterialDocumentHeaderText ?? '',
      PostingDate: h.PostingDate ?? todayDate(),
      DocumentDate: h.DocumentDate ?? todayDate(),
      to_MaterialDocumentItem: { results: items },
    };
    this.materialDocuments.push(doc);
    return doc;
  }

  /** Cancel posts the counter-movement (261 -> 262, 101 -> 102) as a new document and flags the original items. */
  cancelMaterialDocument(year: string, number: string): MaterialDocumentRow {
    const d = this.materialDocuments.find((x) => x.MaterialDocumentYear === year && x.MaterialDocument === number);
    if (!d) throw new SapBusinessError('M7/062', `Material document ${number} ${year} does not exist`, 404);
    const items = d.to_MaterialDocumentItem.results;
    if (items.some((i) => i.GoodsMovementIsCancelled)) throw new SapBusinessError('M7/114', `Material document ${number} ${year} is already cancelled`);
    items.forEach((i) => (i.GoodsMovementIsCancelled = true));
    const counter = (t: string) => String(Number(t) + 1);
    return this.createMaterialDocument({
      GoodsMovementCode: d.GoodsMovementCode as MaterialDocumentHeaderCreate['GoodsMovementCode'],
      MaterialDocumentHeaderText: d.MaterialDocumentHeaderText,
      to_MaterialDocumentItem: items.map((i) => ({
        Material: i.Material, Plant: i.Plant, StorageLocation: i.StorageLocation || undefined,
        GoodsMovementType: counter(i.GoodsMovementType) as '262' | '102', ManufacturingOrder: i.ManufacturingOrder || undefined,
        QuantityInEntryUnit: String(Number(i.QuantityInEntryUnit)), EntryUnit: i.EntryUnit,
      })),
    });
  }

  get materialDocumentItems(): MaterialDocumentItem[] {
    return this.materialDocuments.flatMap((d) => d.to_MaterialDocumentItem.results);
  }
}
