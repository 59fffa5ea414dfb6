import { z } from 'zod';
import { MachineState } from './messages/machine-event.js';
import { CostCenter, DecimalString, ErpOrderId, MaterialCode, Plant, StorageLocation, Token, UnitOfMeasure } from './tokens.js';

/**
 * The ERP port: what the engine asks of any ERP and what it gets back. SAP S/4HANA (`erp/s4hana/`), a generic REST
 * ERP (`erp/rest/`) and the built-in simulator (`erp/sim/`) sit behind it; each adapter maps these shapes to its
 * ERP's own at its boundary and refuses, as `ErpRejected` naming the field, a value its ERP cannot take.
 *
 * The bounds here are generic (contracts/tokens.ts): an order number, plant or operation of SAP's, Dynamics 365's or
 * Oracle's fits them. An ERP's narrower shapes are its adapter's to check (SAP's: contracts/messages/sap-odata.ts).
 *
 * Quantities are decimal strings (`DecimalString`), times ISO 8601 strings with an offset, every request carries the
 * posting key `<workflowId>#<postingSeq>` (contracts/ids.ts) by which a retry finds what an earlier attempt committed.
 */

/**
 * A confirmation's or a goods movement's key: at most 40 characters, as the simulator and the REST contract have always
 * held it (SAP's ConfirmationText is 40 too; the S/4HANA adapter hashes a key into its shorter header text itself).
 */
const PostingKey = z.string().min(1).max(40);
/**
 * Notifications and downtime have no 40-character SAP field to fit (the SAP adapter hashes into its own fields), and
 * a shift's key carries site and line tokens of up to 64 characters each: the bound is the MES key's own.
 */
const LongPostingKey = z.string().min(1).max(200);

/**
 * A calendar date `YYYY-MM-DD`, no time, no zone: the date a document is posted under (SAP PostingDate, BUDAT) or
 * the date of the business event it records (SAP DocumentDate, BLDAT). The MES fixes it in the plant's time zone.
 */
const CalendarDate = z.iso.date();
/**
 * When a posting is booked (additive, optional: an ERP that gets none takes its own today). `postingDate`: the
 * plant's local date of the production, fixed when the confirmation is decided and the same on every retry;
 * `documentDate`: set only when the posting moved out of a closed period (`ErpPeriodClosed`), the production's date
 * it kept (then `postingDate` is the first day of the first open period).
 */
const PostingDates = { postingDate: CalendarDate.optional(), documentDate: CalendarDate.optional() };

/** A production confirmation of one operation of an order: yield and scrap in the order's unit. */
export const ConfirmationRequest = z.object({
  postingKey: PostingKey,
  erpOrderId: ErpOrderId,
  /** The operation (routing step) confirmed: SAP's VORNR `0010`, a Dynamics 365 operation number `10`. */
  operation: z.string().regex(/^[0-9A-Z]{1,10}$/, 'must be 1-10 of 0-9 and A-Z, like 0010'),
  yieldQty: DecimalString,
  scrapQty: DecimalString,
  unit: UnitOfMeasure,
  /** The last confirmation of the operation: the ERP closes it. */
  isFinal: z.boolean(),
  /**
   * With a final confirmation: the order's reservation items still open are closed, whatever was withdrawn (SAP's
   * "clear open reservations", AFRUD-AUSOR, OpenReservationsIsCleared), so MRP plans nothing more for a short order.
   */
  clearOpenReservations: z.boolean().optional(),
  ...PostingDates,
});
export type ConfirmationRequest = z.infer<typeof ConfirmationRequest>;

/**
 * The order's own reservation of a component (SAP: RESB, `Reservation` CHAR 10 and `ReservationItem` NUMC 4 on the
 * production order's component and on the material document item). A goods issue (261) or its reversal (262) that
 * names it reduces or restores the reservation's open quantity instead of withdrawing beside it.
 */
export const ReservationRef = z.object({
  reservation: z.string().regex(/^\d{1,10}$/, 'must be 1-10 digits (SAP RSNUM)'),
  reservationItem: z.string().regex(/^\d{1,4}$/, 'must be 1-4 digits (SAP RSPOS)'),
});
export type ReservationRef = z.infer<typeof ReservationRef>;

/**
 * One material of a goods movement, with its quantity in its unit of entry. Optional, for components read from the
 * ERP's order: the reservation it withdraws against, and its own storage location and batch where the order names
 * them (else the movement's).
 */
export const GoodsMovementItem = z.object({
  material: MaterialCode,
  quantity: DecimalString,
  unit: UnitOfMeasure,
  reservation: ReservationRef.optional(),
  storageLocation: StorageLocation.optional(),
  batch: z.string().min(1).max(10).optional(),
  /**
   * The last issue against the reservation (the order's final confirmation): SAP closes the reservation item
   * (ReservationIsFinallyIssued), so a remainder the order did not need stays out of MRP instead of being bought.
   */
  finalIssue: z.boolean().optional(),
});
export type GoodsMovementItem = z.infer<typeof GoodsMovementItem>;

/**
 * The port's goods movements against a production order, named by the movement type numbers SAP gave them (the ones
 * shop-floor and ERP people know): `261` goods issue to the order (backflush of components), `262` its reversal,
 * `101` goods receipt of the finished quantity from the order, `102` its reversal; and for product a quality hold
 * keeps out of use (docs/quality.md, "Blocked stock"): `343` blocked to unrestricted (a release), `344` unrestricted
 * to blocked (and the reversal of a 343), `555` withdrawal for scrapping from blocked stock (a scrap), `556` its
 * reversal. They are the port's vocabulary, not a promise that the ERP speaks SAP: every adapter maps them to its
 * ERP's own movement (the REST contract and the simulator take the numbers as they are).
 * Source for the numbers: SAP's standard movement types (table T156, customizing OMJJ).
 */
export const MovementType = z.enum(['101', '102', '261', '262', '343', '344', '555', '556']);
export type MovementType = z.infer<typeof MovementType>;

/**
 * The stock a receipt (101) goes into, or its reversal (102) comes out of: `unrestricted` (absent means it) or
 * `blocked`, product under a quality hold that may not be used or shipped (SAP: stock type S, blocked stock; the
 * BAPI's STCK_TYPE and the material document item's InventoryUsabilityCode). Other movements name their stocks by
 * their type and take none.
 */
export const StockType = z.enum(['unrestricted', 'blocked']);
export type StockType = z.infer<typeof StockType>;

export const GoodsMovementRequest = z.object({
  postingKey: PostingKey,
  erpOrderId: ErpOrderId,
  movementType: MovementType,
  items: z.array(GoodsMovementItem).min(1),
  /** A 101's or 102's stock (`StockType`); absent: unrestricted. Refused on any other movement. */
  stockType: StockType.optional(),
  /** Where the stock moves (from the line in the plant model); SAP needs the plant, the simulator ignores both. */
  plant: Plant.optional(),
  storageLocation: StorageLocation.optional(),
  ...PostingDates,
}).refine((r) => r.stockType === undefined || r.movementType === '101' || r.movementType === '102', {
  path: ['stockType'], message: 'only a receipt (101) or its reversal (102) names a stock type; 343, 344, 555 and 556 name their stocks by their type',
});
export type GoodsMovementRequest = z.infer<typeof GoodsMovementRequest>;

/**
 * A quality notification: something is wrong with a quantity of a material (an out-of-spec measurement, a defect seen
 * at the line). The ERP opens its own notification for a person to disposition.
 */
export const QualityNotificationRequest = z.object({
  postingKey: LongPostingKey,
  /** The order the quantity was produced for, when there is one. */
  erpOrderId: ErpOrderId.optional(),
  material: MaterialCode,
  plant: Plant,
  quantity: DecimalString,
  unit: UnitOfMeasure,
  /** What is wrong, in a person's words (defect, measured value against its limits). */
  defectText: z.string().min(1).max(1000),
  /** Who reported it: a user name as the ERP knows it (SAP: 12 characters). */
  reportedBy: z.string().min(1).max(12),
});
export type QualityNotificationRequest = z.infer<typeof QualityNotificationRequest>;

/** The machine states that are downtime: every `MachineState` (contracts/messages/machine-event.ts) but `running`. */
export const DowntimeState = MachineState.exclude(['running']);
export type DowntimeState = z.infer<typeof DowntimeState>;

/** One interval in which a machine did not run, charged to the cost center of its line. */
export const DowntimeRequest = z.object({
  postingKey: LongPostingKey,
  plant: Plant,
  line: Token,
  costCenter: CostCenter,
  machine: Token,
  state: DowntimeState,
  startedAt: z.iso.datetime({ offset: true }),
  endedAt: z.iso.datetime({ offset: true }),
  /** Minutes, as a decimal string with at most 3 places (0.001 min = 60 ms). */
  durationMin: DecimalString,
  /**
   * What kind of report the stop is (SAP notification type, QMART, 2 characters): absent, a malfunction report (M2);
   * a planned stop's reason may name another (M1, or a plant's own Z1). From the stop's reason (docs/downtime-oee.md).
   */
  notificationType: z.string().regex(/^[A-Z0-9]{2}$/, 'must be 2 of A-Z and 0-9 (SAP QMART)').optional(),
  /** The breakdown indicator (SAP MaintenanceObjectIsDown): absent, true; false for a stop that is no breakdown. */
  breakdown: z.boolean().optional(),
});
export type DowntimeRequest = z.infer<typeof DowntimeRequest>;

/** The four kinds of document the port posts; `findPostings` may be told which one to look in. */
export const PostingKind = z.enum(['confirmation', 'goods-movement', 'quality-notification', 'downtime']);
export type PostingKind = z.infer<typeof PostingKind>;

/** A document the ERP created (or already held) for a posting key: its number as the ERP writes it, and the key. */
export const ErpDocument = z.object({ document: z.string(), postingKey: z.string() });
export type ErpDocument = z.infer<typeof ErpDocument>;

/** One document as the ERP holds it, in the port's vocabulary. */
export const ErpPosting = z.object({
  document: z.string(),
  /** The reference the ERP stored (the posting key, or its short form where the ERP field is short). */
  reference: z.string().nullable(),
  kind: PostingKind,
  yieldQty: DecimalString.nullable(),
  scrapQty: DecimalString.nullable(),
  isFinal: z.boolean().nullable(),
  /** A goods movement's `MovementType`; another movement the ERP holds for the order as the ERP names it. */
  movementType: z.string().nullable(),
  /** A 101's or 102's stock as the ERP holds it (`StockType`); absent where the adapter does not read it. Additive. */
  stockType: StockType.nullable().optional(),
  /** A confirmation's operation (SAP VORNR); absent where the adapter does not read it. Additive. */
  operation: z.string().nullable().optional(),
  items: z.array(GoodsMovementItem),
  /** Cancelled in the ERP (for SAP: IsReversed / GoodsMovementIsCancelled); it no longer counts. */
  cancelled: z.boolean(),
  /** The date the ERP booked it under (`YYYY-MM-DD`); absent where the adapter does not read it. Additive. */
  postingDate: z.string().nullable().optional(),
});
export type ErpPosting = z.infer<typeof ErpPosting>;

/** One downtime record as the ERP holds it. */
export const ErpDowntime = z.object({
  document: z.string(),
  reference: z.string().nullable(),
  machine: z.string().nullable(),
  /** Null when the ERP does not keep the cost center on the record itself. */
  costCenter: z.string().nullable(),
  state: DowntimeState.nullable(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** Minutes, as a decimal string. */
  durationMin: z.string(),
  /** The notification type and breakdown indicator the ERP holds; absent where an ERP does not say. */
  notificationType: z.string().nullable().optional(),
  breakdown: z.boolean().nullable().optional(),
});
export type ErpDowntime = z.infer<typeof ErpDowntime>;

/**
 * What the ERP said, kept on the error as own properties so a log line (pino's error serializer) and a Temporal
 * failure's details carry it, not only the message: the HTTP status, the ERP's message id (SAP: message class and
 * number, `M3/897`, from the OData error's `code` or its `innererror.errordetails`) and the ERP's text.
 */
export interface ErpErrorDetail {
  /** HTTP status of the ERP's answer; absent when there was none (no reply, timeout). */
  status?: number;
  /** The ERP's own message id: SAP `<class>/<number>`. */
  messageId?: string;
  /** The ERP's own words. */
  text?: string;
}

/** What both ERP errors carry besides their message: the HTTP status and the ERP's own message id and text. */
abstract class ErpError extends Error {
  readonly status?: number;
  readonly messageId?: string;
  readonly text?: string;
  constructor(message: string, detail: ErpErrorDetail = {}) {
    super(message);
    Object.assign(this, detail);
  }
}

/** The ERP could not be reached, failed on its side or holds a lock: retry with backoff, for as long as it takes. */
export class ErpUnavailable extends ErpError {
  override readonly name = 'ErpUnavailable';
}

/** The ERP refused the posting on business grounds: retrying cannot help, a person must look. */
export class ErpRejected extends ErpError {
  override readonly name = 'ErpRejected';
}

/**
 * The ERP refused the posting's date: the period it falls in is closed for postings (SAP: M7/053 for goods
 * movements, RU/428 for confirmations, F5/201 in FI). A refusal like any other (nothing was committed), which the
 * posting policy answers by posting again in the first open period (erp/posting-period.ts) instead of parking.
 */
export class ErpPeriodClosed extends ErpRejected {}

/**
 * The posting's date is the plant's today, and the ERP has not opened its period yet: at a period's start the ERP
 * opens it later than some plants' midnight (SAP: the materials management period moves with the period shift, MMPV,
 * often a job at 00:00 in the company's own zone; until then M7/053 names the old periods). Retried with backoff
 * until the ERP opens it (erp/posting-period.ts); the activity stays pending with this reason.
 */
export class ErpPeriodNotYetOpen extends ErpUnavailable {}

/**
 * The ERP answered, but not in a shape the adapter can read (a property missing or of another type than the ERP's
 * reference says). Retrying would read the same answer again, so it is a refusal a person sees (`ErpRejected`, not
 * retried), naming the entity (`SAP GET API_MATERIAL_DOCUMENT_SRV/A_MaterialDocumentHeader`) and the problem
 * (`d.results[0].MaterialDocument: expected string`). After a POST the ERP may have committed: the look-up of the
 * next attempt (after a person retries) finds the document.
 */
export class ErpReplyUnreadable extends ErpRejected {
  constructor(
    readonly entity: string,
    readonly problem: string,
    detail: ErpErrorDetail = {},
  ) {
    super(`${entity}: reply not readable: ${problem}`, detail);
  }
}

/**
 * One component of a released production order as the ERP plans it: what the order reserves, for the whole order
 * quantity, in the component's unit; with the reservation a goods issue withdraws against where the ERP has one.
 */
export const OrderComponent = z.object({
  material: MaterialCode,
  /** The order's whole requirement, a decimal string in `unit` (SAP RequiredQuantity). */
  requiredQty: DecimalString,
  /** Already withdrawn against the reservation (SAP WithdrawnQuantity); informational. */
  withdrawnQty: DecimalString.optional(),
  unit: UnitOfMeasure,
  /** Decimal places the ERP rounds `unit` to (SAP T006 ANDEC, from the plant file's unit mapping); absent: 3. */
  decimals: z.number().int().min(0).max(3).optional(),
  /** The operation that consumes it (SAP VORNR), when the ERP assigns one. */
  operation: z.string().max(10).optional(),
  storageLocation: StorageLocation.optional(),
  batch: z.string().min(1).max(10).optional(),
  reservation: ReservationRef.optional(),
});
export type OrderComponent = z.infer<typeof OrderComponent>;

/**
 * A production order as the ERP holds it now, read by order number: header, operations and components. The SAP intake
 * (services/sap-intake.ts) turns it into a release, or into the running order's change or close.
 */
export const ErpOrder = z.object({
  erpOrderId: ErpOrderId,
  material: MaterialCode,
  plant: Plant,
  /** Planned total quantity in `unit` (SAP TotalQuantity in ProductionUnit). */
  quantity: DecimalString,
  unit: UnitOfMeasure,
  plannedStart: z.iso.datetime({ offset: true }).optional(),
  plannedEnd: z.iso.datetime({ offset: true }).optional(),
  released: z.boolean(),
  /** Technically completed (SAP TECO): no more production, no further postings. */
  technicallyCompleted: z.boolean(),
  /** Marked for deletion (SAP DLFL). */
  deletionFlag: z.boolean(),
  /** When the ERP last changed the order, ISO; the poller's cursor. */
  changedAt: z.iso.datetime({ offset: true }).optional(),
  operations: z.array(z.object({ operation: z.string().min(1).max(10), workCenter: z.string().max(8).optional() })),
  components: z.array(OrderComponent),
});
export type ErpOrder = z.infer<typeof ErpOrder>;

/**
 * Where a read of changed orders resumes: after the change of `erpOrderId` at `changedAt` (ISO, whole seconds in
 * SAP), in the order (changedAt, erpOrderId); `erpOrderId` empty: every change at `changedAt` and later.
 */
export interface OrderChangeCursor {
  changedAt: string;
  erpOrderId: string;
}

/** One changed order, as its header names it; `read()` reads it whole, so one order SAP holds badly fails alone. */
export interface OrderChange {
  erpOrderId: string;
  plant: string;
  /** When the ERP last changed the order, ISO. */
  changedAt: string;
  /**
   * What the header says (its properties as the ERP sent them): two changes of one order stamped with the same
   * second differ in it, so a re-read one is told apart from one already taken.
   */
  version: string;
  /** @throws ErpRejected (ErpReplyUnreadable) when the ERP's values are not the port's; ErpUnavailable. */
  read(): Promise<ErpOrder>;
}

/** An ERP that can be asked for its orders (SAP's production order API): the intake's and the poller's port. */
export interface ErpOrderSource {
  /**
   * The order as the ERP holds it now; null when the ERP has no such order. With `plants`, an order of another plant
   * is not read further: `{ otherPlant }` names its plant.
   */
  readOrder(erpOrderId: string): Promise<ErpOrder | null>;
  readOrder(erpOrderId: string, plants: readonly string[]): Promise<ErpOrder | { otherPlant: string } | null>;
  /**
   * Released orders of the ERP plants `plants` changed after `after`, in (changedAt, erpOrderId) order, at most
   * `limit`: a page of a keyset read, the next page after the last one returned.
   */
  changedOrders(after: OrderChangeCursor, limit: number, plants: readonly string[]): Promise<OrderChange[]>;
}

/**
 * What the workflows need from any ERP; SAP S/4HANA, a generic REST ERP and the simulator sit behind it. Every method
 * throws `ErpUnavailable` when the ERP cannot be reached (retried) and `ErpRejected` when it refuses (not retried).
 */
export interface ErpAdapter {
  readonly name: string;
  /**
   * Milliseconds after a request ended on our side (timeout, lost connection) in which the ERP may still commit it:
   * a work process runs on after the client gave up. A look-up earlier than that can miss the commit, so a retry
   * looks up only once the window has passed (`erp/post-once.ts`). 0 or absent: the ERP commits before it answers
   * or never.
   */
  readonly commitWindowMs?: number;
  /**
   * The first day (`YYYY-MM-DD`, ascending) of each posting period when the ERP's periods are not calendar months
   * (SAP: a fiscal year variant like 4-4-5 instead of K4); absent: calendar months. The closed-period policy moves a
   * posting to these dates (erp/posting-period.ts).
   */
  readonly postingPeriodStarts?: readonly string[];
  /**
   * Documents already posted under this key: how a retry learns that an earlier attempt committed. With `kind`, an
   * adapter may look in that one place only (SAP: one service instead of all); without it, it looks everywhere.
   */
  findPostings(postingKey: string, kind?: PostingKind): Promise<ErpDocument[]>;
  postConfirmation(req: ConfirmationRequest): Promise<ErpDocument>;
  /**
   * Cancels the confirmation posted under this key, and only once: one already cancelled is answered with its
   * document, not cancelled again, so a retry after a lost reply is harmless. Null when the ERP holds no such
   * confirmation. A confirmation that carries no goods movements (ours never do) reverses none.
   */
  cancelConfirmation(postingKey: string): Promise<ErpDocument | null>;
  /**
   * One of the port's movements (`MovementType`): goods issue to the order, goods receipt from it (to unrestricted or
   * blocked stock), a transfer between blocked and unrestricted, a withdrawal for scrapping, or a reversal.
   */
  postGoodsMovement(req: GoodsMovementRequest): Promise<ErpDocument>;
  /** Everything the ERP holds for an order, read from the ERP itself: reconciliation must not trust our ledger. */
  listOrderPostings(erpOrderId: string): Promise<ErpPosting[]>;
  /** Opens a quality notification in the ERP for a quantity of material that is not right. */
  raiseQualityNotification(req: QualityNotificationRequest): Promise<ErpDocument>;
  /** Records one interval in which a machine did not run, against the cost center of its line. */
  postDowntime(req: DowntimeRequest): Promise<ErpDocument>;
  /** The downtime records the ERP holds for a plant, read from the ERP itself (for reconciliation and tests). */
  listDowntime(plant: string): Promise<ErpDowntime[]>;
}
