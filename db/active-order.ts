import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { WorkOrderPhase } from '../contracts/messages/work-order-status.js';
import { workOrders } from '../schema/index.js';
import type { Db } from './client.js';
import { phaseOfRow } from './order-phase.js';

export interface ActiveOrder {
  workflowId: string;
  erpOrderId: string;
  phase: WorkOrderPhase;
  /** What the order makes and its operation (SAP VORNR): the bridge matches inspection characteristics by them. */
  material: string;
  operation: string;
}

const ACTIVE: WorkOrderPhase[] = ['released', 'running'];

/**
 * The order a line's production belongs to, one rule for the signal bridge and the API: a running order wins over
 * one only released; among equals, the earliest release.
 * @throws Error when the row's status is not a `WorkOrderPhase` (db/order-phase.ts); the database's error.
 */
export async function activeOrderOnLine(db: Db, site: string, line: string): Promise<ActiveOrder | null> {
  const [row] = await db
    .select({ workflowId: workOrders.workflowId, erpOrderId: workOrders.erpOrderId, status: workOrders.status, material: workOrders.material, operation: workOrders.operation })
    .from(workOrders)
    .where(and(eq(workOrders.siteCode, site), eq(workOrders.lineCode, line), inArray(workOrders.status, ACTIVE)))
    .orderBy(desc(sql`${workOrders.status} = 'running'`), asc(workOrders.releasedAt))
    .limit(1);
  return row ? { workflowId: row.workflowId, erpOrderId: row.erpOrderId, phase: phaseOfRow(row), material: row.material, operation: row.operation } : null;
}
