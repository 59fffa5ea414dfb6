import { z } from 'zod';
import { ReservationRef } from '../erp-port.js';
import { DecimalString } from '../tokens.js';
import { InspectionCharacteristic } from './inspection.js';
import { DispositionDecision } from './planner-command.js';

/**
 * Where an order is in its life: its *phase*, the one name for it in code. Outside code it keeps the names its
 * readers already use, which do not change:
 * - the `phase` field of the `status` query's answer (`WorkOrderStatus`, below) and of reconciliation reports;
 * - the Temporal search attribute `OrderStatus` (Web UI filters, saved queries; `OrderPhaseAttr` in code);
 * - the read model's column `work_orders.status` (`workOrders.status`, named after its column) and the API's
 *   `status` field and filter of `GET /orders` and of `GET /lines/:site/:line`'s active order.
 * `WorkOrderStatus` is the whole report an order gives, of which the phase is one field.
 * `cancelling`: a cancelled order's postings are being taken back from the ERP, the last first.
 * `closed`: the ERP closed the order itself (SAP: technically completed or marked for deletion, `ErpOrderClosed`):
 * counts stopped, nothing more was posted, what was posted stands.
 */
export const WorkOrderPhase = z.enum(['released', 'running', 'confirming', 'confirmed', 'exception', 'cancelling', 'cancelled', 'closed']);
export type WorkOrderPhase = z.infer<typeof WorkOrderPhase>;

/** A measured value kept with an automatic hold: what the disposition is audited with. */
export const HeldMeasurement = z.object({ id: z.string(), value: z.number(), unit: z.string(), sourceTime: z.string() });

/**
 * Quantity held for quality: not confirmed until released (good) or scrapped; the ERP got a notification. A person
 * holds it through the API, or the order itself when a value of an inspection characteristic is out of specification
 * (`characteristic` set, docs/quality.md).
 */
export const QualityHold = z.object({
  /** Also the posting sequence of its quality notification. */
  id: z.number().int().positive(),
  /** Positive for a person's hold; an automatic one starts with what its lot rule found (maybe 0) and grows while `open`. */
  quantity: z.number().int().nonnegative(),
  defectText: z.string(),
  requestedBy: z.string(),
  /** The ERP's notification number once raised; null while the ERP has not answered. */
  notification: z.string().nullable(),
  /** The decision taken on it (`QualityDisposition`); null while it is open. */
  disposition: DispositionDecision.nullable(),
  /** Automatic holds: the inspection characteristic, and whether its excursion goes on (new good units join the hold). */
  characteristic: z.string().optional(),
  open: z.boolean().optional(),
  /** Automatic holds: the first out-of-spec values of the excursion (at most 20). */
  measurements: z.array(HeldMeasurement).max(20).optional(),
  /**
   * When the hold was taken, ISO, in workflow time (deterministic on replay): how long it has waited for a disposition
   * (services/exceptions/checks.ts `hold-overdue`). Absent on holds taken before it was recorded.
   */
  heldAt: z.string().optional(),
  /** Who decided, and the scrap reason code. */
  decidedBy: z.string().optional(),
  reasonCode: z.string().optional(),
  /** A rework: its operation, and the ERP's document of its confirmation (null until posted; the units stay held until then). */
  reworkOperation: z.string().optional(),
  reworkConfirmation: z.string().nullable().optional(),
  /**
   * The hold's units go to the ERP's blocked stock (docs/quality.md, "Blocked stock"): `received` units are in it
   * (101 to blocked stock, posted when the hold is notified and topped up when its excursion ends), and `settled` says
   * how they left it after the disposition: `released` (343, then good and confirmed without a second receipt) or
   * `scrapped` (555); null while they are still blocked. Absent: the hold does not use blocked stock.
   */
  blockedStock: z.object({ received: z.number().int().nonnegative(), settled: z.enum(['released', 'scrapped']).nullable() }).optional(),
});
export type QualityHold = z.infer<typeof QualityHold>;

/** The BOM, plant and storage location an order loaded at its start and posts with, whatever master data says later. */
export const OrderContext = z.object({
  /**
   * Components per unit of the order's material. From the ERP's order when the release carried its components (with
   * their reservation, storage location and batch), else the plant file's BOM.
   */
  bom: z.array(z.object({
    component: z.string(),
    quantityPer: DecimalString,
    /**
     * The ERP's requirement for the whole order (SAP RequiredQuantity) and the order quantity it is planned for (SAP
     * TotalQuantity): the exact proportion the backflush issues, where `quantityPer` is rounded. Absent for plant-file
     * BOM items and in contexts carried from older runs.
     */
    required: z.object({ quantity: DecimalString, forOrderQuantity: DecimalString }).optional(),
    unit: z.string(),
    /** Decimal places the ERP rounds `unit` to (SAP T006 ANDEC): the backflush rounds to them. Absent: 3. */
    decimals: z.number().int().min(0).max(3).optional(),
    reservation: ReservationRef.optional(),
    storageLocation: z.string().optional(),
    batch: z.string().optional(),
  })),
  plant: z.string().nullable(),
  storageLocation: z.string().nullable(),
  materialUnit: z.string().nullable(),
  /** The material is batch-managed: its receipts name the finished batch (docs/genealogy.md). Absent in older contexts: no. */
  materialBatchManaged: z.boolean().optional(),
  /** The site's IANA time zone from the plant file: posting dates are the plant's dates. Absent in contexts carried from older runs. */
  timezone: z.string().nullable().optional(),
  /** Inspection characteristics of the material on the line, every operation's (docs/quality.md). Absent: none. */
  characteristics: z.array(InspectionCharacteristic).optional(),
});
export type OrderContext = z.infer<typeof OrderContext>;

/** What a work order reports: the answer of its status query, the row of its read model, the API's reply. */
export const WorkOrderStatus = z.object({
  workflowId: z.string(),
  site: z.string(),
  erpOrderId: z.string(),
  line: z.string(),
  material: z.string(),
  operation: z.string(),
  plannedQuantity: DecimalString,
  unit: z.string(),
  phase: WorkOrderPhase,
  good: z.number().int().nonnegative(),
  scrap: z.number().int().nonnegative(),
  eventsApplied: z.number().int().nonnegative(),
  duplicatesDropped: z.number().int().nonnegative(),
  /** Quantities ERP has confirmed so far (partials and final), from workflow state. */
  confirmedGood: z.number().int().nonnegative(),
  confirmedScrap: z.number().int().nonnegative(),
  /** The order's policy posts goods receipts (101) with its confirmations. */
  goodsReceipt: z.boolean(),
  /**
   * Units received into stock ahead of their confirmation: released from blocked stock (343) and not yet in a
   * confirmation, whose own 101 leaves them out. Absent: 0 (docs/quality.md, "Blocked stock").
   */
  receivedAhead: z.number().int().nonnegative().optional(),
  /** A planner holds the order: counts are still taken, nothing is confirmed until it is resumed. */
  held: z.boolean(),
  /** Units under an open quality hold; excluded from every confirmation until their disposition. */
  qualityHeld: z.number().int().nonnegative(),
  qualityHolds: z.array(QualityHold),
  /** Absent in the results of orders that closed before it was reported. */
  context: OrderContext.nullable().optional(),
  confirmationDocument: z.string().nullable(),
  exception: z.string().nullable(),
  releasedAt: z.string(),
  plannedStart: z.string().nullable(),
  plannedEnd: z.string().nullable(),
  /** Why the ERP closed the order, when it did (phase `closed`). Additive and optional. */
  erpClosed: z.lazy(() => ErpOrderClosed).nullable().optional(),
});
export type WorkOrderStatus = z.infer<typeof WorkOrderStatus>;

/**
 * What a work-order workflow returns when it ends: its last status and, per outbox source, the last delta sequence
 * it applied (counted, or kept aside as late counts). The relay reads it when a range finds the order gone: a range
 * at or below the mark was applied by that run (a relay died between the signal and deleting the rows) and must not
 * become unassigned production a second time. Absent in results of orders that never got a delta, or closed before
 * it was returned.
 */
export const WorkOrderResult = WorkOrderStatus.extend({
  appliedThrough: z.record(z.string(), z.number().int().nonnegative()).optional(),
});
export type WorkOrderResult = z.infer<typeof WorkOrderResult>;

/**
 * The ERP closed a running order itself: SAP's technical completion (TECO) or deletion flag (DLFL), seen by the SAP
 * intake on the order (services/sap-intake.ts). Sent to the workflow as the `erpOrderClosed` signal; `at` is when
 * the ERP changed the order, ISO.
 */
export const ErpOrderClosed = z.object({
  reason: z.enum(['technically-completed', 'deletion-flag']),
  at: z.string(),
});
export type ErpOrderClosed = z.infer<typeof ErpOrderClosed>;
