import type { ProductionCount } from '../contracts/messages/production-count.js';
import { unassignedProduction } from '../schema/index.js';
import type { Db } from './client.js';

export interface UnassignedItem {
  site: string;
  line: string;
  count: ProductionCount;
  reason: string;
}

/** Keeps production no order could take; a repeated event id is the same row (redelivery is harmless). */
export async function recordUnassigned(db: Db, items: UnassignedItem[]): Promise<void> {
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
    .onConflictDoNothing();
}
