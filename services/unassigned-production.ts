import { and, eq, inArray } from 'drizzle-orm';
import type { Client } from '@temporalio/client';
import { chunks } from '../contracts/batch.js';
import { workOrderWorkflowId } from '../contracts/ids.js';
import type { ProductionCount } from '../contracts/messages/production-count.js';
import type { Db } from '../db/client.js';
import { unassignedProduction } from '../schema/index.js';
import { productionCountsSignal } from '../workflows/definitions.js';

/**
 * A planner's decision: these unassigned events belong to that order. The order is signalled with the original
 * event ids (so a repeated assignment is dropped by the workflow), then the rows are marked assigned, in one transaction
 * that locks them (a concurrent assignment of the same rows waits, then finds them assigned).
 * Only the site's `open` rows among `eventIds` count; ids not found or already assigned are skipped silently.
 * @param deps the MES database and a Temporal client.
 * @param req `site` and `erpOrderId` name the order (`work-order:<site>:<erpOrderId>`); `assignedBy` is the actor kept on the rows.
 * @returns how many events were assigned and their good and scrap pieces (all 0 when none was open).
 * @throws the Temporal client's error when the order's workflow does not run (`WorkflowNotFoundError`) or the
 *   service is away, and the database's error; the rows then stay open, and repeating the assignment is safe.
 */
export async function assignUnassigned(
  deps: { db: Db; client: Client },
  req: { site: string; erpOrderId: string; eventIds: string[]; assignedBy: string },
): Promise<{ assigned: number; good: number; scrap: number }> {
  // The rows stay locked from the read to their `assigned`: of two planners assigning a row to different orders at
  // once, the second waits and then finds it taken, so its pieces reach one order, not both.
  return deps.db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(unassignedProduction)
      .where(and(eq(unassignedProduction.siteCode, req.site), eq(unassignedProduction.status, 'open'), inArray(unassignedProduction.eventId, req.eventIds)))
      .for('update');
    if (rows.length === 0) return { assigned: 0, good: 0, scrap: 0 };
    const workflowId = workOrderWorkflowId(req.site, req.erpOrderId);
    const counts: ProductionCount[] = rows.map((r) => ({
      eventId: r.eventId, machine: r.machineCode, sourceTime: r.sourceTime.toISOString(), good: r.good, scrap: r.scrap,
    }));
    const handle = deps.client.workflow.getHandle(workflowId);
    for (const c of chunks(counts)) await handle.signal(productionCountsSignal, { v: 1, events: c });
    await tx
      .update(unassignedProduction)
      .set({ status: 'assigned', assignedTo: workflowId, assignedBy: req.assignedBy, assignedAt: new Date() })
      .where(inArray(unassignedProduction.eventId, rows.map((r) => r.eventId)));
    return { assigned: rows.length, good: counts.reduce((a, c) => a + c.good, 0), scrap: counts.reduce((a, c) => a + c.scrap, 0) };
  });
}
