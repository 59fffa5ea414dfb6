import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { ErpAdapter, ErpOrder, ErpOrderSource } from '../contracts/erp-port.js';
import { workOrderWorkflowId } from '../contracts/ids.js';
import { OrderReleased, type ConfirmationPolicy } from '../contracts/messages/order-release.js';
import type { PlantModel } from '../contracts/messages/plant-model.js';
import type { SapProductionOrderEvent } from '../contracts/messages/sap-event.js';
import type { ErpOrderClosed } from '../contracts/messages/work-order-status.js';
import { describeIssues } from '../contracts/parse.js';
import type { Db } from '../db/client.js';
import { erpOrderClosedSignal } from '../workflows/definitions.js';
import { checkRelease, type ReleaseRefusal } from './release-check.js';
import { startWorkOrder } from './start-work-order.js';

/** Where an ERP order runs in the MES: its site and line. */
export interface OrderPlace {
  site: string;
  line: string;
  /** The line's ERP work centers (plant file `erpWorkCenters`), to pick the operation the line runs. */
  workCenters?: string[];
}

/**
 * Which MES line runs an order of an ERP plant whose operations run at these work centers; null when none does.
 * `placeFromPlant` builds it from the plant file.
 */
export type PlaceOrder = (plant: string, workCenters: string[]) => OrderPlace | null;

export interface SapIntakeDeps {
  client: Client;
  /** The MES's own records, for the release check every intake passes (services/release-check.ts). */
  db: Db;
  /** The ERP's orders (the S/4HANA adapter: API_PRODUCTION_ORDER_2_SRV). */
  orders: ErpOrderSource;
  place: PlaceOrder;
  /** How orders from SAP confirm; the release's defaults (one final confirmation, no goods receipt) when absent. */
  confirmationPolicy?: ConfirmationPolicy;
}

/**
 * What taking one order did. `started` / `updated` / `unchanged` as services/start-work-order.ts says;
 * `closed`: the order is technically completed or flagged for deletion in SAP and its running workflow was told
 * (`signalled: false` when no workflow runs for it); `not-released`: SAP holds it, not released, nothing done;
 * `unknown-order`: SAP has no such order (yet: an event may arrive before its commit is visible); `unplaced`: no line
 * of the plant file runs it, or the release check found its site, line or material unknown; `closed-in-mes`: the
 * MES recorded the order as closed, it is not started again; `refused`: the running order refused the change.
 * All but the first five need a person: `reason`, and `refusal` with the `release` when the release check refused it.
 */
export type IntakeOutcome = 'started' | 'updated' | 'unchanged' | 'closed' | 'not-released' | 'unknown-order' | 'unplaced' | 'closed-in-mes' | 'refused';
export interface IntakeResult {
  erpOrderId: string;
  outcome: IntakeOutcome;
  workflowId?: string;
  reason?: string;
  signalled?: boolean;
  /** The release check's refusal (services/release-check.ts), in the shape every intake reports it. */
  refusal?: ReleaseRefusal;
  /** The release SAP's order made, when the release check refused it: the exception shows it. */
  release?: OrderReleased;
}

/**
 * A line for an order from the plant file: the lines of the order's ERP plant, the one whose `erpWorkCenters` hold
 * one of the order's work centers, or the plant's only line when it has one. Two lines of one plant without work
 * centers to tell them apart place nothing (null): a guess would run the order on the wrong line.
 */
export function placeFromPlant(plant: Pick<PlantModel, 'sites'>): PlaceOrder {
  return (erpPlant, workCenters) => {
    const lines = plant.sites.flatMap((s) => s.lines.filter((l) => l.erpPlant === erpPlant).map((l) => ({ site: s.code, line: l })));
    const byCenter = lines.find((l) => l.line.erpWorkCenters?.some((w) => workCenters.includes(w)));
    const only = lines.length === 1 ? lines[0] : undefined;
    const hit = byCenter ?? only;
    return hit ? { site: hit.site, line: hit.line.code, ...(hit.line.erpWorkCenters ? { workCenters: hit.line.erpWorkCenters } : {}) } : null;
  };
}

/**
 * The release of an SAP order, validated: its operation is the first one at the line's work center (else the first
 * of the order), and its components (backflush-marked, with their reservations) come along, so the workflow issues
 * against the order's own reservations instead of the plant file's BOM.
 * @throws InvalidRelease naming the field when SAP's values do not make a release (e.g. no operation).
 */
export function releaseOf(order: ErpOrder, place: OrderPlace, policy?: ConfirmationPolicy): OrderReleased {
  const atLine = order.operations.find((o) => o.workCenter && place.workCenters?.includes(o.workCenter)) ?? order.operations[0];
  const candidate = {
    v: 1,
    site: place.site,
    erpOrderId: order.erpOrderId,
    material: order.material,
    quantity: order.quantity,
    unit: order.unit,
    line: place.line,
    operation: atLine?.operation,
    ...(order.plannedStart ? { plannedStart: order.plannedStart } : {}),
    ...(order.plannedEnd ? { plannedEnd: order.plannedEnd } : {}),
    releasedAt: order.changedAt ?? new Date().toISOString(),
    ...(policy ? { confirmationPolicy: policy } : {}),
    components: order.components,
  };
  const r = OrderReleased.safeParse(candidate);
  if (!r.success) throw new InvalidRelease(order.erpOrderId, describeIssues(r.error).map((i) => `${i.path}: ${i.message}`).join('; '));
  return r.data;
}

/** SAP's order does not make a release the MES can start (named field and reason); a person must look. */
export class InvalidRelease extends Error {
  override readonly name = 'InvalidRelease';
  constructor(
    readonly erpOrderId: string,
    readonly problem: string,
  ) {
    super(`SAP order ${erpOrderId}: not a release the MES can start: ${problem}`);
  }
}

/**
 * Takes an order as SAP holds it now into the MES, idempotently (the workflow id is the order's):
 * - technically completed or flagged for deletion: the running workflow gets `erpOrderClosed` (it stops taking
 *   counts and closes as `closed` without further postings); nothing when no workflow runs;
 * - released: checked as every release is (services/release-check.ts: placeable, not closed in the MES's records),
 *   then started through services/start-work-order.ts, or its quantity and dates changed on the running order
 *   (`changeRelease`); a repeated event or poll of an unchanged order does nothing;
 * - not released: nothing.
 * @throws InvalidRelease when SAP's order makes no valid release; whatever the database or the Temporal client
 *   throws (retry later).
 */
export async function takeOrder(deps: SapIntakeDeps, order: ErpOrder): Promise<IntakeResult> {
  const workCenters = order.operations.flatMap((o) => (o.workCenter ? [o.workCenter] : []));
  const place = deps.place(order.plant, workCenters);
  const erpOrderId = order.erpOrderId;
  if (!place) return { erpOrderId, outcome: 'unplaced', reason: `no line of the plant file runs ERP plant ${order.plant} at work center ${workCenters.join(', ') || '(none)'} (erpPlant, erpWorkCenters)` };
  const workflowId = workOrderWorkflowId(place.site, erpOrderId);
  if (order.technicallyCompleted || order.deletionFlag) {
    const closed: ErpOrderClosed = { reason: order.deletionFlag ? 'deletion-flag' : 'technically-completed', at: order.changedAt ?? new Date().toISOString() };
    try {
      await deps.client.workflow.getHandle(workflowId).signal(erpOrderClosedSignal, closed);
      return { erpOrderId, outcome: 'closed', workflowId, signalled: true };
    } catch (err) {
      // No run, or a closed one: nothing runs that could still post.
      if (err instanceof WorkflowNotFoundError) return { erpOrderId, outcome: 'closed', workflowId, signalled: false };
      throw err;
    }
  }
  if (!order.released) return { erpOrderId, outcome: 'not-released', workflowId };
  const release = releaseOf(order, place, deps.confirmationPolicy);
  const refusal = await checkRelease(deps.db, release);
  if (refusal) return { erpOrderId, outcome: refusal.kind === 'closed' ? 'closed-in-mes' : 'unplaced', workflowId, reason: refusal.message, refusal, release };
  const r = await startWorkOrder(deps.client, release);
  if (r.refused) return { erpOrderId, outcome: 'refused', workflowId, reason: r.refused };
  return { erpOrderId, outcome: r.started ? 'started' : r.updated ? 'updated' : 'unchanged', workflowId };
}

/**
 * An SAP business event about a production order: the order is read through the ERP (the event names it, it does
 * not carry it) and taken as `takeOrder` says. Delivered twice, it starts one order.
 */
export async function takeSapEvent(deps: SapIntakeDeps, event: SapProductionOrderEvent): Promise<IntakeResult> {
  const erpOrderId = event.data.ProductionOrder;
  const order = await deps.orders.readOrder(erpOrderId);
  if (!order) return { erpOrderId, outcome: 'unknown-order', reason: `SAP has no production order ${erpOrderId}` };
  return takeOrder(deps, order);
}

/** An adapter that can read the ERP's orders (SAP's production order API). */
export const isOrderSource = (erp: ErpAdapter): erp is ErpAdapter & ErpOrderSource => 'readOrder' in erp && 'changedOrders' in erp;

/**
 * The SAP intake's dependencies for a process: only with an ERP that has an order API (the S/4HANA adapter) and a
 * plant file to place orders on lines; undefined otherwise (the simulator and the REST ERP send their own releases).
 */
export function sapIntakeFor(client: Client, db: Db, erp: ErpAdapter, plant: PlantModel | undefined): SapIntakeDeps | undefined {
  return isOrderSource(erp) && plant ? { client, db, orders: erp, place: placeFromPlant(plant) } : undefined;
}
