import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { and, asc, eq, gte, lt, type SQL } from 'drizzle-orm';
import { TASK_QUEUE } from '../../contracts/names.js';
import type { FixPending, FixResult, Reconciliation, ReconciliationScope, ScopeReconciliation } from '../../contracts/messages/reconciliation.js';
import { workOrders } from '../../schema/index.js';
import { reconciliationFixWorkflowId, workOrderWorkflowId } from '../../contracts/ids.js';
import type { WorkOrderStatus } from '../../contracts/messages/work-order-status.js';
import type { Db } from '../../db/client.js';
import { loadOrderContext } from '../../db/order-context.js';
import type { ErpAdapter } from '../../contracts/erp-port.js';
import { fixActions, reconcile } from './compare.js';
import { heldStockTruth } from './hold-truth.js';
import type { reconciliationFixWorkflow, ReconciliationFixInput } from '../../workflows/reconciliation-fix.js';
import { statusQuery } from '../../workflows/definitions.js';

/** What reconciliation reads and starts through: Temporal (the orders' workflows), the MES database, the ERP port. */
export interface ReconcileDeps {
  client: Client;
  db: Db;
  erp: ErpAdapter;
}

/**
 * An order's shop floor against the ERP, a line's or a period's, and the fixes the engine can post: what a process
 * serves (the planner API's routes call it; {@link reconciliations} builds it).
 */
export interface Reconciliations {
  order(site: string, erpOrderId: string): Promise<Reconciliation>;
  scope(scope: ReconciliationScope): Promise<ScopeReconciliation>;
  /** Applies a reconciliation's automatic fixes (post the missing, reverse the extra) and reconciles again. */
  fix(site: string, erpOrderId: string, requestedBy: string): Promise<FixResult | FixPending>;
}

/**
 * Reconciles one order: shop-floor truth from its workflow (the result of a closed one, else its status query) and
 * the BOM from master data, against every document the ERP holds for the order, read from the ERP.
 * Quantities in the answer are decimal strings with the unit (`"120 PC"`, `"30 KG"`); `phase` is the order's.
 * @throws WorkflowNotFoundError when the order has no workflow; `ErpUnavailable` when the ERP cannot be read;
 *   the Temporal client's error when a running order cannot be queried.
 */
export async function reconcileOrder(deps: ReconcileDeps, site: string, erpOrderId: string): Promise<Reconciliation> {
  return (await gather(deps, site, erpOrderId)).result;
}

async function gather(deps: ReconcileDeps, site: string, erpOrderId: string) {
  const handle = deps.client.workflow.getHandle(workOrderWorkflowId(site, erpOrderId));
  const described = await handle.describe();
  // A closed workflow answers with its result and needs no worker; an open one is asked.
  const status: WorkOrderStatus = described.status.name === 'COMPLETED' ? await handle.result() : await handle.query(statusQuery);
  const [context, postings] = await Promise.all([
    // The order's own context (what it posted with); master data only for orders that closed before it was reported.
    status.context ?? loadOrderContext(deps.db, { site, line: status.line, material: status.material }),
    deps.erp.listOrderPostings(erpOrderId),
  ]);
  const result = reconcile(
    {
      erpOrderId,
      material: status.material,
      unit: status.unit,
      good: status.good,
      scrap: status.scrap,
      confirmedGood: status.confirmedGood,
      confirmedScrap: status.confirmedScrap,
      finalConfirmed: status.phase === 'confirmed',
      goodsReceipt: status.goodsReceipt,
      bom: context.bom,
      ...heldStockTruth(status),
    },
    postings,
  );
  return { status, context, postings, result: { ...result, phase: status.phase } };
}

/** Orders reconciled in one scope at most; a longer period is reconciled in parts. */
export const SCOPE_LIMIT = 500;

/**
 * Reconciles every order of a site (optionally one line, optionally released within [from, to)) from the read model,
 * four at a time so a real ERP sees a handful of look-ups at once, not hundreds. An order that cannot be reconciled
 * (workflow gone, ERP away) is listed in `failed` with the reason; it does not fail the scope.
 * @param scope as `ReconciliationScope` validated it: `from` and `to` ISO date-times.
 * @throws ReconciliationRefused (422) when more than {@link SCOPE_LIMIT} orders are in scope; the database's error.
 */
export async function reconcileScope(deps: ReconcileDeps, scope: ReconciliationScope): Promise<ScopeReconciliation> {
  const where: SQL[] = [eq(workOrders.siteCode, scope.site)];
  if (scope.line) where.push(eq(workOrders.lineCode, scope.line));
  if (scope.from) where.push(gte(workOrders.releasedAt, new Date(scope.from)));
  if (scope.to) where.push(lt(workOrders.releasedAt, new Date(scope.to)));
  const rows = await deps.db.select({ erpOrderId: workOrders.erpOrderId }).from(workOrders).where(and(...where))
    .orderBy(asc(workOrders.releasedAt), asc(workOrders.erpOrderId)).limit(SCOPE_LIMIT + 1);
  if (rows.length > SCOPE_LIMIT) throw new ReconciliationRefused(`more than ${SCOPE_LIMIT} orders in scope: narrow it to a line or a shorter period`, 422);
  const out: ScopeReconciliation = { scope, orders: rows.length, agreeing: [], withDifferences: [], failed: [] };
  for (let i = 0; i < rows.length; i += 4) {
    await Promise.all(rows.slice(i, i + 4).map(async ({ erpOrderId }) => {
      try {
        const r = await reconcileOrder(deps, scope.site, erpOrderId);
        if (r.differences.length === 0) out.agreeing.push(erpOrderId);
        else out.withDifferences.push(r);
      } catch (err) {
        out.failed.push({ erpOrderId, error: (err as Error).message });
      }
    }));
  }
  return out;
}

/** How long the API waits for a fix's postings before answering 202 (it goes on, and applies once). */
export const FIX_WAIT_MS = 20_000;

/** A reconciliation that cannot be made now: a fix on a running order or refused by the ERP (its words), a scope too large. */
export class ReconciliationRefused extends Error {
  override readonly name = 'ReconciliationRefused';
  /** How the API answers it: 409 when the order's state is in the way, 422 when the request asks too much. */
  constructor(
    message: string,
    readonly statusCode: 409 | 422 = 409,
  ) {
    super(message);
  }
}

/**
 * Applies a reconciliation's automatic fixes as postings of a `reconciliationFixWorkflow`, then reconciles again.
 * Only for a closed order: a running one may have a document in flight that looks like a difference. The workflow id
 * (`reconciliationFixWorkflowId`) is the order plus a fingerprint of the fixes and of the ERP documents they were
 * computed from, so the same request twice applies once, and a new difference later (the ERP changed) gets a new run.
 * Without differences to fix it posts nothing and answers `applied: []` with `after` equal to `before`.
 * @param requestedBy the person or command that asked, kept in the fix workflow's input.
 * @throws ReconciliationRefused (409) when the order is neither confirmed nor cancelled, or when a posting of the fix
 *   failed (the ERP's words); otherwise what {@link reconcileOrder} throws.
 */
export function fixOrder(deps: ReconcileDeps, site: string, erpOrderId: string, requestedBy: string): Promise<FixResult>;
/** Waits at most `waitMs` (milliseconds) for the postings; after that the answer is `FixPending` with the fix's workflow id (it goes on). */
export function fixOrder(deps: ReconcileDeps, site: string, erpOrderId: string, requestedBy: string, waitMs: number): Promise<FixResult | FixPending>;
export async function fixOrder(deps: ReconcileDeps, site: string, erpOrderId: string, requestedBy: string, waitMs?: number): Promise<FixResult | FixPending> {
  const { status, context, postings, result: before } = await gather(deps, site, erpOrderId);
  if (status.phase !== 'confirmed' && status.phase !== 'cancelled')
    throw new ReconciliationRefused(`order is ${status.phase}: fixes are applied to confirmed or cancelled orders only, when nothing is in flight`);
  const actions = fixActions(before);
  if (actions.length === 0) return { before, applied: [], after: before };
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ actions, erp: postings.map((p) => [p.document, p.cancelled]) }))
    .digest('hex')
    .slice(0, 10);
  const workflowId = reconciliationFixWorkflowId(site, erpOrderId, fingerprint);
  const args: [ReconciliationFixInput] = [{
    erpOrderId, operation: status.operation, unit: status.unit, plant: context.plant, storageLocation: context.storageLocation, actions, requestedBy,
  }];
  const handle = await deps.client.workflow
    .start<typeof reconciliationFixWorkflow>('reconciliationFixWorkflow', { taskQueue: TASK_QUEUE, workflowId, args })
    .catch((err: unknown) => {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return deps.client.workflow.getHandle<typeof reconciliationFixWorkflow>(workflowId);
      throw err;
    });
  const result = handle.result();
  if (waitMs !== undefined) {
    const pending = Symbol('pending');
    const first = await Promise.race([result, sleep(waitMs, pending)]).catch(() => undefined);
    // A failed result is awaited (and explained) below; a pending one is answered now.
    if (first === pending) {
      result.catch(() => {});
      return { applying: true, workflowId, before };
    }
  }
  const applied = await result.catch((err: unknown) => {
    // The activity's failure (ERP's words) sits inside the workflow's: name the innermost.
    if (err instanceof WorkflowFailedError) {
      const why = (err.cause?.cause as Error | undefined)?.message ?? err.cause?.message ?? err.message;
      throw new ReconciliationRefused(`fix of order ${erpOrderId} stopped: ${why}`);
    }
    throw err;
  });
  return { before, applied, after: await reconcileOrder(deps, site, erpOrderId) };
}

/** The reconciliation a process serves (API, demo): one order, a scope, and fixes that answer within `fixWaitMs` milliseconds. */
export function reconciliations(deps: ReconcileDeps, fixWaitMs = FIX_WAIT_MS): Reconciliations {
  return {
    order: (site, erpOrderId) => reconcileOrder(deps, site, erpOrderId),
    scope: (scope) => reconcileScope(deps, scope),
    fix: (site, erpOrderId, requestedBy) => fixOrder(deps, site, erpOrderId, requestedBy, fixWaitMs),
  };
}
