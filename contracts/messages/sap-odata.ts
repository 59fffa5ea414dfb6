import { z } from 'zod';
import { DecimalString } from '../tokens.js';
import { EdmDateTime, EdmDecimal as Decimal, navigation } from './odata.js';

export * from './odata.js';

/**
 * The slices of SAP S/4HANA's public OData v2 APIs the engine uses, as SAP's API reference names them. Shared by the
 * S/4HANA adapter (client) and the SAP test double (server), so both are checked against one reading of the docs.
 *
 * API_PROD_ORDER_CONFIRMATION_2_SRV: entity set ProdnOrdConf2 (keys ConfirmationGroup, ConfirmationCount), function
 * import CancelProdnOrdConf. API_MATERIAL_DOCUMENT_SRV: A_MaterialDocumentHeader (keys MaterialDocumentYear,
 * MaterialDocument) with navigation to_MaterialDocumentItem, entity set A_MaterialDocumentItem, function import Cancel.
 */

export const CONFIRMATION_SERVICE = 'API_PROD_ORDER_CONFIRMATION_2_SRV';
export const MATERIAL_DOCUMENT_SERVICE = 'API_MATERIAL_DOCUMENT_SRV';

/**
 * SAP's field lengths: ConfirmationText CHAR 40 (LTXA1), MaterialDocumentHeaderText CHAR 25 (BKTXT),
 * MaterialDocumentItemText CHAR 50 (SGTXT, the item text).
 */
export const CONFIRMATION_TEXT_MAX = 40;
export const MATERIAL_DOCUMENT_HEADER_TEXT_MAX = 25;
export const MATERIAL_DOCUMENT_ITEM_TEXT_MAX = 50;

/**
 * A material document item's stock type on create (InventoryUsabilityCode, INSMK; BAPI_GOODSMVT_CREATE STCK_TYPE):
 * `' '` or empty unrestricted use, `X` quality inspection, `S` blocked. Read back, the item's InventoryStockType
 * (its stock identifier) says the same in two digits: `01` unrestricted use, `02` quality inspection, `07` blocked.
 */
export const SAP_BLOCKED_USABILITY = 'S';
export const SAP_BLOCKED_STOCK_TYPE = '07';

/**
 * SAP's shapes of the fields the port leaves generic (contracts/tokens.ts): the S/4HANA adapter refuses a value outside
 * them before SAP sees it. Lengths from SAP's data elements: AUFNR CHAR 12 (order number, upper case for external
 * numbering), VORNR NUMC 4 (operation), WERKS_D CHAR 4 (plant), LGORT_D CHAR 4 (storage location).
 */
export const SapOrderNumber = z.string().regex(/^[0-9A-Z]{1,12}$/, 'must be 1-12 of 0-9 and A-Z (SAP AUFNR)');
export const SapOperation = z.string().regex(/^\d{4}$/, 'must be a 4-digit operation number like 0010 (SAP VORNR)');
export const SapPlant = z.string().regex(/^[A-Z0-9]{4}$/, 'must be a 4-character SAP plant like 1010');
export const SapStorageLocation = z.string().regex(/^[A-Z0-9]{4}$/, 'must be a 4-character SAP storage location like 0001');

/**
 * A unit as SAP's entities carry it (API_PRODUCTION_ORDER_2_SRV, API_PROD_ORDER_CONFIRMATION_2_SRV): the commercial
 * code (`ConfirmationUnit`, `BaseUnit`, MSEHI shown through the conversion exit) depends on the logon language (piece
 * is PC in English, ST in German); the ISO code beside it (`...ISOCode`, ISOCODE of T006) does not.
 */
export const SapUnitCode = z.string().min(1).max(3);

export const ProdnOrdConf2Create = z.object({
  OrderID: z.string().min(1).max(12),
  OrderOperation: z.string().max(4).optional(),
  Sequence: z.string().max(6).optional(),
  /** Commercial code, read in the request's language; optional when `ConfirmationUnitISOCode` is given. */
  ConfirmationUnit: SapUnitCode.optional(),
  /** ISO code of the confirmation unit: the same in every logon language. */
  ConfirmationUnitISOCode: SapUnitCode.optional(),
  ConfirmationYieldQuantity: DecimalString,
  ConfirmationScrapQuantity: DecimalString.optional(),
  ConfirmationReworkQuantity: DecimalString.optional(),
  IsFinalConfirmation: z.boolean().optional(),
  /** "Clear open reservations" (AFRUD-AUSOR): with a final confirmation, the order's open reservation items are closed. */
  OpenReservationsIsCleared: z.boolean().optional(),
  ConfirmationText: z.string().max(CONFIRMATION_TEXT_MAX).optional(),
  APIConfHasNoGoodsMovements: z.boolean().optional(),
  PostingDate: z.string().optional(),
  /** Edm.DateTime, "Confirmed Finish Date of Execution" (IEDD): the production's date when it differs from PostingDate. */
  ConfirmedExecutionEndDate: z.string().optional(),
});
export type ProdnOrdConf2Create = z.infer<typeof ProdnOrdConf2Create>;

/**
 * ProdnOrdConf2 as the double keeps and renders it: the properties of SAP's entity type that the engine posts or
 * reads (SAP's has many more, and a navigation `to_ProdnOrdConfMatlDocItm`). PostingDate is Edm.DateTime.
 */
export const ProdnOrdConf2 = z.object({
  ConfirmationGroup: z.string(),
  ConfirmationCount: z.string(),
  OrderID: z.string(),
  OrderOperation: z.string(),
  ConfirmationUnit: z.string(),
  ConfirmationUnitISOCode: z.string().optional(),
  ConfirmationYieldQuantity: Decimal,
  ConfirmationScrapQuantity: Decimal,
  IsFinalConfirmation: z.boolean(),
  ConfirmationText: z.string(),
  IsReversed: z.boolean(),
  IsReversal: z.boolean(),
  APIConfHasNoGoodsMovements: z.boolean(),
  PostingDate: EdmDateTime.nullable().optional(),
  ConfirmedExecutionEndDate: EdmDateTime.nullable().optional(),
});
export type ProdnOrdConf2 = z.infer<typeof ProdnOrdConf2>;

/**
 * What the adapter reads of a confirmation (a POST's reply, a look-up by ConfirmationText, the order's list): its
 * keys, quantities (Edm.Decimal strings with scale 3), final flag, our reference, whether it was cancelled, and its
 * operation (VORNR; optional, so a reply without it still reads: the port's `operation` is then absent).
 */
export const ProdnOrdConf2Read = ProdnOrdConf2.pick({
  OrderOperation: true,
  ConfirmationGroup: true,
  ConfirmationCount: true,
  ConfirmationYieldQuantity: true,
  ConfirmationScrapQuantity: true,
  IsFinalConfirmation: true,
  ConfirmationText: true,
  IsReversed: true,
  PostingDate: true,
}).partial({ OrderOperation: true });
export type ProdnOrdConf2Read = z.infer<typeof ProdnOrdConf2Read>;

export const MaterialDocumentItemCreate = z.object({
  Material: z.string().min(1).max(40),
  Plant: z.string().min(1).max(4),
  StorageLocation: z.string().max(4).optional(),
  GoodsMovementType: z.enum(['101', '102', '261', '262', '343', '344', '555', '556']),
  ManufacturingOrder: z.string().max(12).optional(),
  GoodsMovementRefDocType: z.string().max(1).optional(),
  QuantityInEntryUnit: DecimalString,
  /** Commercial code, read in the request's language; optional when `EntryUnitISOCode` is given. */
  EntryUnit: SapUnitCode.optional(),
  /** ISO code of the unit of entry: the same in every logon language. */
  EntryUnitISOCode: SapUnitCode.optional(),
  /**
   * The order's reservation the item withdraws against (RESB RSNUM CHAR 10, RSPOS NUMC 4): a 261 with it reduces the
   * reservation's open quantity, its 262 restores it (SAP's note on reversing goods issues for orders).
   */
  Reservation: z.string().max(10).optional(),
  ReservationItem: z.string().max(4).optional(),
  /** Closes the reservation item with this issue: no open remainder for MRP. */
  ReservationIsFinallyIssued: z.boolean().optional(),
  Batch: z.string().max(10).optional(),
  /** Stock type of the item (`SAP_BLOCKED_USABILITY`): `S` receives a 101 into blocked stock, or reverses it (102). */
  InventoryUsabilityCode: z.enum(['', ' ', 'X', 'S']).optional(),
  /** Item text (SGTXT): the order number on the movements of blocked stock, which carry no order (docs/erp-s4hana.md). */
  MaterialDocumentItemText: z.string().max(MATERIAL_DOCUMENT_ITEM_TEXT_MAX).optional(),
});
export type MaterialDocumentItemCreate = z.infer<typeof MaterialDocumentItemCreate>;

export const MaterialDocumentHeaderCreate = z.object({
  GoodsMovementCode: z.enum(['01', '02', '03', '04', '05', '06', '07']),
  PostingDate: z.string().optional(),
  DocumentDate: z.string().optional(),
  MaterialDocumentHeaderText: z.string().max(MATERIAL_DOCUMENT_HEADER_TEXT_MAX).optional(),
  to_MaterialDocumentItem: z.array(MaterialDocumentItemCreate).min(1),
});
export type MaterialDocumentHeaderCreate = z.infer<typeof MaterialDocumentHeaderCreate>;

export const MaterialDocumentItem = z.object({
  MaterialDocumentYear: z.string(),
  MaterialDocument: z.string(),
  MaterialDocumentItem: z.string(),
  Material: z.string(),
  Plant: z.string(),
  StorageLocation: z.string(),
  GoodsMovementType: z.string(),
  ManufacturingOrder: z.string(),
  QuantityInEntryUnit: Decimal,
  EntryUnit: z.string(),
  EntryUnitISOCode: z.string().optional(),
  GoodsMovementIsCancelled: z.boolean(),
  /** Empty strings when the item names no reservation, as SAP sends them. */
  Reservation: z.string().optional(),
  ReservationItem: z.string().optional(),
  ReservationIsFinallyIssued: z.boolean().optional(),
  Batch: z.string().optional(),
  /** `S` blocked, `X` quality inspection, empty unrestricted: as posted. Not in every release's metadata (below). */
  InventoryUsabilityCode: z.string().optional(),
  /** The stock the item moves: `01` unrestricted use, `02` quality inspection, `07` blocked (`SAP_BLOCKED_STOCK_TYPE`). */
  InventoryStockType: z.string().optional(),
  MaterialDocumentItemText: z.string().optional(),
  /**
   * `X` on the line SAP adds itself (XAUTO): a transfer posting (343, 344) is two lines, the one posted and its
   * counterpart in the receiving stock; the order's list counts the posted one only.
   */
  IsAutomaticallyCreated: z.string().optional(),
});
export type MaterialDocumentItem = z.infer<typeof MaterialDocumentItem>;

/**
 * A_MaterialDocumentHeader as SAP sends it: keys, movement code, header text, posting and document date
 * (Edm.DateTime), and the items as navigation `to_MaterialDocumentItem`: deferred unless `$expand`ed. After a POST
 * (deep insert) SAP answers with the items inline; after a GET, deferred.
 */
export const MaterialDocumentHeader = z.object({
  MaterialDocumentYear: z.string(),
  MaterialDocument: z.string(),
  GoodsMovementCode: z.string(),
  MaterialDocumentHeaderText: z.string(),
  PostingDate: EdmDateTime.nullable().optional(),
  DocumentDate: EdmDateTime.nullable().optional(),
  to_MaterialDocumentItem: navigation(MaterialDocumentItem).optional(),
});
export type MaterialDocumentHeader = z.infer<typeof MaterialDocumentHeader>;

/** What the adapter reads of a material document header: its keys, `<MaterialDocument>/<Year>` in the port. */
export const MaterialDocumentKey = MaterialDocumentHeader.pick({ MaterialDocumentYear: true, MaterialDocument: true });
export type MaterialDocumentKey = z.infer<typeof MaterialDocumentKey>;
/**
 * What the adapter reads of a material document item (an order's goods movements, for reconciliation). The stock an
 * item moves is read as InventoryStockType, not InventoryUsabilityCode: SAP Cloud SDK 2.1.0's metadata of
 * API_MATERIAL_DOCUMENT_SRV has InventoryStockType and IsAutomaticallyCreated on A_MaterialDocumentItem but no
 * InventoryUsabilityCode (a later release's has it), and SAP refuses a `$select` of a property its service lacks.
 */
export const MaterialDocumentItemRead = MaterialDocumentItem.pick({
  MaterialDocumentYear: true,
  MaterialDocument: true,
  Material: true,
  GoodsMovementType: true,
  QuantityInEntryUnit: true,
  EntryUnit: true,
  EntryUnitISOCode: true,
  GoodsMovementIsCancelled: true,
  Reservation: true,
  ReservationItem: true,
  InventoryStockType: true,
  IsAutomaticallyCreated: true,
});
export type MaterialDocumentItemRead = z.infer<typeof MaterialDocumentItemRead>;

/**
 * API_MAINTNOTIFICATION (OData v2; SAP-side setup in docs/erp-s4hana.md):
 * entity set MaintenanceNotification (key MaintenanceNotification). Field names and lengths as the service's
 * metadata gives them: NotificationText CHAR 40 (QMTXT), MaintNotifExtReferenceNumber CHAR 20 (REFNUM, upper case),
 * MaintenanceObjectIsDown is the breakdown indicator (MSAUS), the malfunction start and end as Edm.DateTime date +
 * Edm.Time time, the breakdown duration as Edm.Double with its unit.
 */
export const MAINT_NOTIFICATION_SERVICE = 'API_MAINTNOTIFICATION';
export const MAINT_NOTIF_EXT_REFERENCE_MAX = 20;
export const NOTIFICATION_TEXT_MAX = 40;

export const MaintenanceNotificationCreate = z.object({
  NotificationText: z.string().min(1).max(NOTIFICATION_TEXT_MAX),
  NotificationType: z.string().min(1).max(2),
  MaintenancePlanningPlant: z.string().max(4).optional(),
  TechnicalObject: z.string().max(40).optional(),
  TechObjIsEquipOrFuncnlLoc: z.enum(['EAMS_EQUI', 'EAMS_FL']).optional(),
  MaintenanceObjectIsDown: z.boolean().optional(),
  MalfunctionStartDate: z.string().optional(),
  MalfunctionStartTime: z.string().optional(),
  MalfunctionEndDate: z.string().optional(),
  MalfunctionEndTime: z.string().optional(),
  // Edm.Double: SAP Gateway writes it as a string in v2 JSON and accepts either.
  MaintObjectDowntimeDuration: z.union([z.string(), z.number()]).optional(),
  MaintObjDowntimeDurationUnit: z.string().max(3).optional(),
  ReportedByUser: z.string().max(12).optional(),
  MaintNotifExtReferenceNumber: z.string().max(MAINT_NOTIF_EXT_REFERENCE_MAX).optional(),
  MaintNotifLongTextForEdit: z.string().max(1333).optional(),
});
export type MaintenanceNotificationCreate = z.infer<typeof MaintenanceNotificationCreate>;

export const MaintenanceNotification = z.object({
  MaintenanceNotification: z.string(),
  NotificationText: z.string(),
  NotificationType: z.string(),
  MaintenancePlanningPlant: z.string(),
  TechnicalObject: z.string(),
  MaintenanceObjectIsDown: z.boolean(),
  MalfunctionStartDate: EdmDateTime.nullable(),
  MalfunctionStartTime: z.string(),
  MalfunctionEndDate: EdmDateTime.nullable(),
  MalfunctionEndTime: z.string(),
  MaintObjectDowntimeDuration: z.union([z.string(), z.number()]),
  MaintObjDowntimeDurationUnit: z.string(),
  MaintNotifExtReferenceNumber: z.string(),
  MaintNotificationLongText: z.string(),
});
export type MaintenanceNotification = z.infer<typeof MaintenanceNotification>;

/** What the adapter reads of a malfunction report: number, reference, malfunction start and end, duration, long text. */
export const MaintenanceNotificationRead = MaintenanceNotification.pick({
  MaintenanceNotification: true,
  NotificationType: true,
  MaintenanceObjectIsDown: true,
  MalfunctionStartDate: true,
  MalfunctionStartTime: true,
  MalfunctionEndDate: true,
  MalfunctionEndTime: true,
  MaintObjectDowntimeDuration: true,
  MaintNotifExtReferenceNumber: true,
  MaintNotificationLongText: true,
});
/** A notification's number only: what a look-up by reference and a POST's reply are read for. */
export const MaintenanceNotificationKey = MaintenanceNotification.pick({ MaintenanceNotification: true });

/**
 * Quality notifications: SAP publishes them as an OData v4 service only ("Quality Notification - Read, Create",
 * API_QUALITYNOTIFICATION, service group CE_QUALITYNOTIFICATION_0001), not as an OData v2 `_SRV`; the v4 root is
 * below. Entity set QualityNotification, key QualityNotification; NotificationType and NotificationText (CHAR 40,
 * QMTXT) as in every SAP notification. The names of material, plant, order, quantity and unit are the ones of SAP's
 * CDS view I_QltyNotification under this service (QMEL-MATNR, -MAWERK, -AUFNR, -RKMNG, -MGEIN); check them against
 * the tenant's `$metadata` before go-live (docs/erp-s4hana.md). v4 JSON: an entity is the object itself, a collection
 * is `{ value: [...] }`, Edm.Decimal is a JSON number unless `IEEE754Compatible=true`.
 */
export const QUALITY_NOTIFICATION_SERVICE_V4 = '/sap/opu/odata4/sap/api_qualitynotification/srvd_a2x/sap/qualitynotification/0001';
/** SAP's standard notification type for an internal problem report (defects found in production). */
export const INTERNAL_PROBLEM_REPORT = 'Q3';

const V4Decimal = z.union([z.number(), z.string()]);

export const QualityNotificationCreate = z.object({
  NotificationType: z.string().min(1).max(2),
  NotificationText: z.string().min(1).max(NOTIFICATION_TEXT_MAX),
  Material: z.string().min(1).max(40),
  Plant: z.string().min(1).max(4),
  ManufacturingOrder: z.string().max(12).optional(),
  ComplaintQuantity: V4Decimal,
  NotificationQuantityUnit: z.string().min(1).max(3),
  ReportedByUser: z.string().max(12).optional(),
});
export type QualityNotificationCreate = z.infer<typeof QualityNotificationCreate>;

export const QualityNotification = z.object({
  QualityNotification: z.string(),
  NotificationType: z.string(),
  NotificationText: z.string(),
  Material: z.string(),
  Plant: z.string(),
  ManufacturingOrder: z.string(),
  ComplaintQuantity: V4Decimal,
  NotificationQuantityUnit: z.string(),
  ReportedByUser: z.string(),
});
export type QualityNotification = z.infer<typeof QualityNotification>;


