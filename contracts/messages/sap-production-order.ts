import { z } from 'zod';
import { EdmDateTime, EdmDecimal } from './odata.js';

/**
 * API_PRODUCTION_ORDER_2_SRV (OData v2, "Production Order - Read, Update"), the slices the SAP intake reads, with the
 * names of the service's `$metadata`: entity sets A_ProductionOrder_2 (key ManufacturingOrder), its operations
 * A_ProductionOrderOperation_2 (keys OrderInternalBillOfOperations, OrderIntBillOfOperationsItem) and its components
 * A_ProductionOrderComponent_4 ("Production Order Components Using RAP BO"; keys Reservation, ReservationItem,
 * ReservationRecordType). Shared by the S/4HANA adapter (client) and the SAP test double (server).
 *
 * Status flags on the header are CHAR 1 (`'X'` set, `''` not), not Edm.Boolean: OrderIsReleased,
 * OrderIsTechnicallyCompleted, OrderIsMarkedForDeletion. Quantities are Edm.Decimal (13,3) strings; units come as the
 * commercial code in the logon language (ProductionUnit, BaseUnit) beside their ISO code (ProductionUnitISOCode,
 * BaseUnitISOCode). LastChangeDateTime is a 14-character string, the UTC time stamp `YYYYMMDDhhmmss`.
 */
export const PRODUCTION_ORDER_SERVICE = 'API_PRODUCTION_ORDER_2_SRV';

/** SAP's CHAR 1 status flag: `'X'` set, `''` not set. */
export const SapFlag = z.enum(['X', '']);
/** Edm.Time in OData v2 JSON: `PT14H30M00S`. */
export const EdmTime = z.string().regex(/^PT\d{1,2}H\d{1,2}M\d{1,2}S$/, 'must be an Edm.Time like PT14H30M00S');
/** LastChangeDateTime: `YYYYMMDDhhmmss` (UTC), or empty when SAP holds none. */
export const SapTimestamp14 = z.string().regex(/^(\d{14})?$/, 'must be a time stamp YYYYMMDDhhmmss');

/** A_ProductionOrder_2: the header properties the double keeps (SAP's entity has many more). */
export const ProductionOrder2 = z.object({
  ManufacturingOrder: z.string(),
  ManufacturingOrderType: z.string(),
  Material: z.string(),
  ProductionPlant: z.string(),
  StorageLocation: z.string(),
  TotalQuantity: EdmDecimal,
  ProductionUnit: z.string(),
  ProductionUnitISOCode: z.string(),
  OrderIsReleased: SapFlag,
  OrderIsTechnicallyCompleted: SapFlag,
  OrderIsMarkedForDeletion: SapFlag,
  MfgOrderPlannedStartDate: EdmDateTime.nullable(),
  MfgOrderPlannedStartTime: EdmTime,
  MfgOrderPlannedEndDate: EdmDateTime.nullable(),
  MfgOrderPlannedEndTime: EdmTime,
  LastChangeDateTime: SapTimestamp14,
});
export type ProductionOrder2 = z.infer<typeof ProductionOrder2>;

/** What the intake reads of a header: every property above but the order type. */
export const ProductionOrder2Read = ProductionOrder2.omit({ ManufacturingOrderType: true });
export type ProductionOrder2Read = z.infer<typeof ProductionOrder2Read>;

/** A_ProductionOrderOperation_2: the properties the double keeps. */
export const ProductionOrderOperation2 = z.object({
  OrderInternalBillOfOperations: z.string(),
  OrderIntBillOfOperationsItem: z.string(),
  ManufacturingOrder: z.string(),
  ManufacturingOrderOperation: z.string(),
  MfgOrderOperationText: z.string(),
  WorkCenter: z.string(),
  ProductionPlant: z.string(),
});
export type ProductionOrderOperation2 = z.infer<typeof ProductionOrderOperation2>;

/** What the intake reads of an operation: which one and at which work center (ARBPL, CHAR 8). */
export const ProductionOrderOperation2Read = ProductionOrderOperation2.pick({ ManufacturingOrderOperation: true, WorkCenter: true });

/** A_ProductionOrderComponent_4: the properties the double keeps. Material component flags are Edm.Boolean. */
export const ProductionOrderComponent4 = z.object({
  Reservation: z.string(),
  ReservationItem: z.string(),
  ReservationRecordType: z.string(),
  ManufacturingOrder: z.string(),
  ManufacturingOrderOperation: z.string(),
  Material: z.string(),
  Plant: z.string(),
  StorageLocation: z.string(),
  Batch: z.string(),
  BaseUnit: z.string(),
  BaseUnitISOCode: z.string(),
  RequiredQuantity: EdmDecimal,
  WithdrawnQuantity: EdmDecimal,
  MatlCompIsMarkedForBackflush: z.boolean(),
  MatlCompIsMarkedForDeletion: z.boolean(),
  ReservationIsFinallyIssued: z.boolean(),
});
export type ProductionOrderComponent4 = z.infer<typeof ProductionOrderComponent4>;

/** What the intake reads of a component: reservation, material, where from, how much, in which unit, backflushed, deleted. */
export const ProductionOrderComponent4Read = ProductionOrderComponent4.omit({ ReservationRecordType: true, ManufacturingOrder: true, Plant: true, ReservationIsFinallyIssued: true });
export type ProductionOrderComponent4Read = z.infer<typeof ProductionOrderComponent4Read>;
