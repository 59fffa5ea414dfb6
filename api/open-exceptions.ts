import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { workOrders } from '../schema/index.js';

/** Something on a line that waits for a person, as a shift report lists it. */
export interface OpenException {
  /** What kind of thing waits: `order` (a work order stopped in phase `exception`). */
  kind: string;
  /** What it is about: the order's workflow id. */
  ref: string;
  reason: string;
  /** When it was last seen changing (ISO). */
  since: string;
}

/**
 * The exceptions open on a line now, for the shift report. What exists so far: work orders in phase `exception`
 * (their read model row, with the workflow's reason). The OPS_EXCEPTIONS stream (`ops.<site>.exception.<stage>`) has
 * no open or closed state and mostly no line, so it is not read here; an exception inbox with states is to replace
 * this one function. Counter holds, also published there, are in the report's holds.
 */
export async function openExceptionsFor(db: Db, site: string, line: string): Promise<OpenException[]> {
  const rows = await db
    .select({ workflowId: workOrders.workflowId, erpOrderId: workOrders.erpOrderId, doc: workOrders.statusDoc, updatedAt: workOrders.updatedAt })
    .from(workOrders)
    .where(and(eq(workOrders.siteCode, site), eq(workOrders.lineCode, line), eq(workOrders.status, 'exception')))
    .orderBy(asc(workOrders.updatedAt));
  return rows.map((r) => ({ kind: 'order', ref: r.workflowId, reason: r.doc?.exception ?? `order ${r.erpOrderId} stopped in phase exception`, since: r.updatedAt.toISOString() }));
}
