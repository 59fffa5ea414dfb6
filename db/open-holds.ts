import { and, asc, eq, sql } from 'drizzle-orm';
import type { QualityHold } from '../contracts/messages/work-order-status.js';
import { counterHolds, workOrders } from '../schema/index.js';
import type { Db } from './client.js';

/** A quality hold still waiting for its disposition, with the order it holds units of. */
export interface OpenQualityHold {
  workflowId: string;
  erpOrderId: string;
  id: number;
  quantity: number;
  defectText: string;
  requestedBy: string;
  notification: string | null;
}

/** Counter readings the edge refused to count, still waiting for a person (db/counter-holds.ts). */
export interface OpenCounterHold {
  eventId: string;
  machine: string;
  counter: string;
  reason: string;
  delta: number;
  sourceTime: string;
  erpOrderId: string | null;
}

/**
 * The holds open on a line now: quality holds without disposition (from the orders' read model status documents)
 * and counter holds not yet accepted or rejected. The read model keeps the current state only, so a closed shift's
 * report shows the holds open now, not those open at its end.
 */
export async function openHoldsOfLine(db: Db, site: string, line: string): Promise<{ quality: OpenQualityHold[]; counter: OpenCounterHold[] }> {
  const [orders, counters] = await Promise.all([
    db
      .select({ workflowId: workOrders.workflowId, erpOrderId: workOrders.erpOrderId, holds: sql<QualityHold[]>`${workOrders.statusDoc}->'qualityHolds'` })
      .from(workOrders)
      // jsonb containment: some hold whose disposition is JSON null.
      .where(and(eq(workOrders.siteCode, site), eq(workOrders.lineCode, line), sql`${workOrders.statusDoc}->'qualityHolds' @> '[{"disposition": null}]'::jsonb`))
      .orderBy(asc(workOrders.erpOrderId)),
    db
      .select()
      .from(counterHolds)
      .where(and(eq(counterHolds.siteCode, site), eq(counterHolds.lineCode, line), eq(counterHolds.status, 'held')))
      .orderBy(asc(counterHolds.sourceTime)),
  ]);
  return {
    quality: orders.flatMap((o) =>
      o.holds
        .filter((h) => h.disposition === null)
        .map((h) => ({ workflowId: o.workflowId, erpOrderId: o.erpOrderId, id: h.id, quantity: h.quantity, defectText: h.defectText, requestedBy: h.requestedBy, notification: h.notification })),
    ),
    counter: counters.map((c) => ({
      eventId: c.eventId, machine: c.machineCode, counter: c.counter, reason: c.reason, delta: c.delta, sourceTime: c.sourceTime.toISOString(), erpOrderId: c.erpOrderId,
    })),
  };
}
