import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { workOrders } from '../schema/index.js';
import type { Db } from './client.js';

export interface ActiveOrder {
  workflowId: string;
  erpOrderId: string;
  phase: string;
}

/**
 * The order a line's production belongs to, one rule for the signal bridge and the API: a running order wins over
 * one only released; among equals, the earliest release.
 */
export async function activeOrderOnLine(db: Db, site: string, line: string): Promise<ActiveOrder | null> {
  const [row] = await db
    .select({ workflowId: workOrders.workflowId, erpOrderId: workOrders.erpOrderId, phase: workOrders.status })
    .from(workOrders)
    .where(and(eq(workOrders.siteCode, site), eq(workOrders.lineCode, line), inArray(workOrders.status, ['released', 'running'])))
    .orderBy(desc(sql`${workOrders.status} = 'running'`), asc(workOrders.releasedAt))
    .limit(1);
  return row ?? null;
}
