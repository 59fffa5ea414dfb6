import type {
  MaintenanceNotification,
  MaintenanceNotificationCreate,
  MaterialDocumentHeader,
  MaterialDocumentHeaderCreate,
  MaterialDocumentItem,
  MaterialDocumentItemCreate,
  ProdnOrdConf2,
  ProdnOrdConf2Create,
  QualityNotification,
  QualityNotificationCreate,
} from '../../contracts/messages/sap-odata.js';
import type { ProductionOrder2, ProductionOrderComponent4, ProductionOrderOperation2 } from '../../contracts/messages/sap-production-order.js';

/** A material document as the double keeps it: the header with its items, rendered deferred or expanded per request. */
export type MaterialDocumentRow = Omit<MaterialDocumentHeader, 'to_MaterialDocumentItem'> & { to_MaterialDocumentItem: { results: MaterialDocumentItem[] } };

/** Edm.DateTime of today, midnight UTC, as SAP writes it when a request gives no date. */
const todayDate = () => `/Date(${Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate())})/`;

/** SAP renders Edm.Decimal with the field's scale (3 for quantities), so the double does too. */
const scaled = (v: string | undefined) => Number(v ?? '0').toFixed(3);

/**
 * The movements of blocked stock SAP posts without an order, and the stock a transfer posting's automatic line
 * receives (InventoryStockType: `01` unrestricted use, `07` blocked). 555 and 556 are one line each, in blocked stock.
 */
const BLOCKED_STOCK_MOVES: Partial<Record<string, { to?: '01' | '07' }>> = { '343': { to: '01' }, '344': { to: '07' }, '555': {}, '556': {} };

/** The stock a posted line moves (InventoryStockType): blocked for a 101/102 with usability code S and for 343, 555, 556. */
function stockTypeOf(i: MaterialDocumentItemCreate): '01' | '07' {
  if (i.GoodsMovementType === '101' || i.GoodsMovementType === '102') return i.InventoryUsabilityCode === 'S' ? '07' : '01';
  return i.GoodsMovementType === '343' || i.GoodsMovementType === '555' || i.GoodsMovementType === '556' ? '07' : '01';
}

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
      // The app hands the internal unit code (units.ts); the ISO sibling is filled when the row is shown.
      ConfirmationUnit: c.ConfirmationUnit ?? '',
      ConfirmationUnitISOCode: '',
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
    // SAP clears the order's open reservations at a final confirmation with OpenReservationsIsCleared (AFRUD-AUSOR):
    // every component item is finally issued, whatever was withdrawn; cancelling the confirmation reopens them.
    if (row.IsFinalConfirmation && c.OpenReservationsIsCleared) {
      const open = this.productionOrderComponents.filter((x) => x.ManufacturingOrder === c.OrderID && !x.ReservationIsFinallyIssued);
      for (const x of open) x.ReservationIsFinallyIssued = true;
      this.clearedBy.set(`${row.ConfirmationGroup}/${row.ConfirmationCount}`, open);
    }
    return row;
  }

  /** The reservation items each final confirmation cleared, by `group/count`, for its cancellation to reopen. */
  private readonly clearedBy = new Map<string, ProductionOrderComponent4[]>();

  cancelConfirmation(group: string, count: string): ProdnOrdConf2 {
    const c = this.confirmations.find((x) => x.ConfirmationGroup === group && x.ConfirmationCount === count && !x.IsReversal);
    if (!c) throw new SapBusinessError('RU/100', `Confirmation ${group}/${count} does not exist`, 404);
    if (c.IsReversed) throw new SapBusinessError('RU/140', `Confirmation ${group}/${count} has already been cancelled`);
    c.IsReversed = true;
    for (const x of this.clearedBy.get(`${group}/${count}`) ?? []) x.ReservationIsFinallyIssued = false;
    const reversal = { ...c, IsReversed: false, IsReversal: true };
    reversal.ConfirmationCount = String(this.confirmations.filter((x) => x.ConfirmationGroup === group).length + 1).padStart(8, '0');
    this.confirmations.push(reversal);
    return reversal;
  }

  /**
   * Posts a material document. Like SAP, a transfer posting (343, 344) becomes two lines: the one posted and its
   * counterpart in the receiving stock (IsAutomaticallyCreated `X`). Refuses an order as account assignment on a
   * movement of blocked stock SAP posts without one (343, 344, 555, 556). Keeps no stock: a 343 or 555 of more than
   * the blocked stock goes through here, where SAP would refuse it (M7/021).
   */
  createMaterialDocument(h: MaterialDocumentHeaderCreate): MaterialDocumentRow {
    // Checked before anything is written: a refused item leaves no document and no reservation touched.
    for (const i of h.to_MaterialDocumentItem)
      if (i.ManufacturingOrder && BLOCKED_STOCK_MOVES[i.GoodsMovementType])
        throw new SapBusinessError('MES_DOUBLE/015', `Movement type ${i.GoodsMovementType}: account assignment to order ${i.ManufacturingOrder} is not possible`);
    const withdrawals = h.to_MaterialDocumentItem.map((i) => this.reservationOf(i));
    const year = String(new Date().getUTCFullYear());
    const number = String(this.nextMaterialDocument++);
    const lines = h.to_MaterialDocumentItem.flatMap((i) => {
      const from = stockTypeOf(i);
      const to = BLOCKED_STOCK_MOVES[i.GoodsMovementType]?.to;
      return to ? [{ i, stock: from, auto: '' }, { i, stock: to, auto: 'X' }] : [{ i, stock: from, auto: '' }];
    });
    const items: MaterialDocumentItem[] = lines.map(({ i, stock, auto }, n) => ({
      MaterialDocumentYear: year,
      MaterialDocument: number,
      MaterialDocumentItem: String(n + 1),
      Material: i.Material,
      Plant: i.Plant,
      StorageLocation: i.StorageLocation ?? '',
      GoodsMovementType: i.GoodsMovementType,
      ManufacturingOrder: i.ManufacturingOrder ?? '',
      QuantityInEntryUnit: scaled(i.QuantityInEntryUnit),
      // The app hands the internal unit code (units.ts); the ISO sibling is filled when the row is shown.
      EntryUnit: i.EntryUnit ?? '',
      EntryUnitISOCode: '',
      GoodsMovementIsCancelled: false,
      Reservation: i.Reservation ?? '',
      ReservationItem: i.ReservationItem ?? '',
      ReservationIsFinallyIssued: i.ReservationIsFinallyIssued ?? false,
      Batch: i.Batch ?? '',
      InventoryUsabilityCode: (i.InventoryUsabilityCode ?? '').trim(),
      InventoryStockType: stock,
      MaterialDocumentItemText: i.MaterialDocumentItemText ?? '',
      IsAutomaticallyCreated: auto,
    }));
    withdrawals.forEach((w) => w?.());
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

  /**
   * Cancel posts the counter-movement (261 -> 262, 101 -> 102, 343 -> 344, 555 -> 556) of each line posted (not of
   * the lines SAP added) as a new document, in the same stock type and with the same item text, and flags the
   * original items.
   */
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
      to_MaterialDocumentItem: items.filter((i) => i.IsAutomaticallyCreated !== 'X').map((i) => ({
        Material: i.Material, Plant: i.Plant, StorageLocation: i.StorageLocation || undefined,
        GoodsMovementType: counter(i.GoodsMovementType) as MaterialDocumentItemCreate['GoodsMovementType'], ManufacturingOrder: i.ManufacturingOrder || undefined,
        ...(i.InventoryUsabilityCode ? { InventoryUsabilityCode: i.InventoryUsabilityCode as MaterialDocumentItemCreate['InventoryUsabilityCode'] } : {}),
        ...(i.MaterialDocumentItemText ? { MaterialDocumentItemText: i.MaterialDocumentItemText } : {}),
        QuantityInEntryUnit: String(Number(i.QuantityInEntryUnit)), EntryUnit: i.EntryUnit,
        // The counter-movement names the same reservation: its open quantity is restored.
        ...(i.Reservation ? { Reservation: i.Reservation, ReservationItem: i.ReservationItem } : {}),
        ...(i.Batch ? { Batch: i.Batch } : {}),
      })),
    });
  }

  // API_PRODUCTION_ORDER_2_SRV: orders, their operations and components (with their reservations), set up by tests.
  readonly productionOrders: ProductionOrder2[] = [];
  readonly productionOrderOperations: ProductionOrderOperation2[] = [];
  readonly productionOrderComponents: ProductionOrderComponent4[] = [];

  /**
   * A goods movement item's withdrawal against its reservation, checked now and applied by the returned function: a
   * 261 adds to the component's WithdrawnQuantity (its open quantity falls), a 262 takes it back. Undefined for an
   * item without reservation; a final issue (ReservationIsFinallyIssued) closes the item, a 262 reopens it. Refuses an unknown reservation, another material, or another unit than the
   * reservation's base unit (the double converts no units).
   */
  private reservationOf(i: MaterialDocumentHeaderCreate['to_MaterialDocumentItem'][number]): (() => void) | undefined {
    if (!i.Reservation) return undefined;
    const c = this.productionOrderComponents.find((x) => Number(x.Reservation) === Number(i.Reservation) && Number(x.ReservationItem) === Number(i.ReservationItem ?? '0'));
    if (!c) throw new SapBusinessError('MES_DOUBLE/011', `Reservation ${i.Reservation} item ${i.ReservationItem ?? '(none)'} does not exist`);
    if (c.Material !== i.Material) throw new SapBusinessError('MES_DOUBLE/012', `Reservation ${i.Reservation} item ${i.ReservationItem}: material ${i.Material} is not the reserved ${c.Material}`);
    if (c.BaseUnit !== i.EntryUnit) throw new SapBusinessError('MES_DOUBLE/013', `Reservation ${i.Reservation} item ${i.ReservationItem}: unit of entry is not the reservation's base unit`);
    const sign = i.GoodsMovementType === '262' ? -1 : i.GoodsMovementType === '261' ? 1 : 0;
    return () => {
      c.WithdrawnQuantity = Math.max(0, Number(c.WithdrawnQuantity) + sign * Number(i.QuantityInEntryUnit)).toFixed(3);
      // A final issue closes the item; a reversal reopens it.
      if (sign > 0 && i.ReservationIsFinallyIssued) c.ReservationIsFinallyIssued = true;
      if (sign < 0) c.ReservationIsFinallyIssued = false;
    };
  }

  /** A component's open quantity as MRP sees it: required minus withdrawn, with SAP's scale; 0 once finally issued. */
  openQuantity(reservation: string, item: string): string | undefined {
    const c = this.productionOrderComponents.find((x) => Number(x.Reservation) === Number(reservation) && Number(x.ReservationItem) === Number(item));
    return c && (c.ReservationIsFinallyIssued ? 0 : Math.max(0, Number(c.RequiredQuantity) - Number(c.WithdrawnQuantity))).toFixed(3);
  }

  /** Adds a production order with its operations and components (units as internal codes: ST, KG, ...). */
  addProductionOrder(order: ProductionOrder2, operations: ProductionOrderOperation2[], components: ProductionOrderComponent4[]): void {
    this.productionOrders.push(order);
    this.productionOrderOperations.push(...operations);
    this.productionOrderComponents.push(...components);
  }

  /** Changes an order's header as a planner in SAP would, stamping LastChangeDateTime (UTC, YYYYMMDDhhmmss). */
  changeProductionOrder(order: string, change: Partial<ProductionOrder2>, at = new Date()): ProductionOrder2 {
    const o = this.productionOrders.find((x) => x.ManufacturingOrder === order);
    if (!o) throw new SapBusinessError('MES_DOUBLE/014', `Production order ${order} does not exist`, 404);
    Object.assign(o, change, { LastChangeDateTime: at.toISOString().replace(/[-:T]/g, '').slice(0, 14) });
    return o;
  }

  get materialDocumentItems(): MaterialDocumentItem[] {
    return this.materialDocuments.flatMap((d) => d.to_MaterialDocumentItem.results);
  }
}
