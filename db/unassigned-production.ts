import { and, eq } from 'drizzle-orm';
import type { ProductionCount } from '../contracts/messages/production-count.js';
import { unassignedProduction } from '../schema/index.js';
import type { Db } from './client.js';

export interface UnassignedItem {
  site: string;
  line: string;
  count: ProductionCount;
  reason: string;
}

/**
 * Keeps production no order could take; a repeated event id is the same row (redelivery is harmless).
 * @param returnedBy the order (workflow id) handing counts back: a row a planner assigned to it that it kept aside as
 *   late (it had stopped taking counts) is open again, not left `assigned` to an order that never counted it.
 */
export async function recordUnassigned(db: Db, items: UnassignedItem[], returnedBy?: string): Promise<void> {
  if (items.length === 0) return;
  await db
    .insert(unassignedProduction)
    .values(
      items.map(({ site, line, count: c, reason }) => ({
        eventId: c.eventId,
        siteCode: site,
        lineCode: line,
        machineCode: c.machine,
        sourceTime: new Date(c.sourceTime),
        good: c.good,
        scrap: c.scrap,
        reason,
      })),
    )
    .onConflictDoUpdate({
      target: unassignedProduction.eventId,
      set: { status: 'open', assignedTo: null, assignedBy: null, assignedAt: null },
      // Matches nothing without `returnedBy`: every other repeat stays as it was.
      where: and(eq(unassignedProduction.status, 'assigned'), eq(unassignedProduction.assignedTo, returnedBy ?? '')),
    });
}
