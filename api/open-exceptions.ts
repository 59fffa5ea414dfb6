import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { listExceptions } from '../db/exception-records.js';
import { workOrders } from '../schema/index.js';

/** Something on a line that waits for a person, as a shift report lists it. */
export interface OpenException {
  /**
   * What kind of thing waits: an exception record's kind (contracts/messages/exception.ts `ExceptionKind`), or `order`
   * for a work order stopped in phase `exception` that no record speaks for.
   */
  kind: string;
  /** What it is about: `exception/<id>` for a record (its audit target), the order's workflow id for an order. */
  ref: string;
  reason: string;
  /** A record's first sighting, an order's last change (ISO). */
  since: string;
}

/**
 * The exceptions open on a line now, for the shift report: the line's exception records not yet resolved (open or
 * acknowledged, from the exception inbox, docs/exceptions.md), oldest first, then the work orders in phase
 * `exception` that none of those records names as the workflow it blocks (an order parked before the inbox ran, or
 * whose record was resolved while the order stayed parked). Counter holds are in the report's holds as well.
 */
export async function openExceptionsFor(db: Db, site: string, line: string): Promise<OpenException[]> {
  const records = (await listExceptions(db, { site, line, state: 'unresolved' }))
    .sort((a, b) => a.firstSeenAt.getTime() - b.firstSeenAt.getTime() || a.id - b.id);
  const covered = new Set(records.flatMap((r) => (r.workflowId ? [r.workflowId] : [])));
  const orders = await db
    .select({ workflowId: workOrders.workflowId, erpOrderId: workOrders.erpOrderId, doc: workOrders.statusDoc, updatedAt: workOrders.updatedAt })
    .from(workOrders)
    .where(and(eq(workOrders.siteCode, site), eq(workOrders.lineCode, line), eq(workOrders.status, 'exception')))
    .orderBy(asc(workOrders.updatedAt));
  return [
    ...records.map((r) => ({ kind: r.kind, ref: `exception/${r.id}`, reason: r.reason, since: r.firstSeenAt.toISOString() })),
    ...orders.filter((o) => !covered.has(o.workflowId))
      .map((o) => ({ kind: 'order', ref: o.workflowId, reason: o.doc?.exception ?? `order ${o.erpOrderId} stopped in phase exception`, since: o.updatedAt.toISOString() })),
  ];
}
