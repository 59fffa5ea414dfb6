import { and, asc, eq, inArray } from 'drizzle-orm';
import type { WorkOrderPhase } from '../contracts/messages/work-order-status.js';
import { lines, materials, sites, workOrders } from '../schema/index.js';
import type { Db } from './client.js';
import { phaseOfRow } from './order-phase.js';

/** How many known codes a refusal lists at most: enough to spot a typo, short enough for a log line. */
export const KNOWN_LISTED = 20;

/** What the plant file (seeded into PostgreSQL) knows around a release: its site, the site's lines, the material. */
export interface PlacementFacts {
  /** Every site code, sorted; at most KNOWN_LISTED. */
  sites: string[];
  siteKnown: boolean;
  /** The lines of the release's site, sorted; empty when the site is unknown. */
  lines: string[];
  materialKnown: boolean;
  /** Material codes, sorted, at most KNOWN_LISTED (a plant's material list can be long). */
  materials: string[];
}

/**
 * Reads the master data a release is placed with: whether the site, line and material are in the plant file.
 * @throws the database's error.
 */
export async function placementFacts(db: Db, site: string, material: string): Promise<PlacementFacts> {
  const [siteRows, [siteRow], lineRows, [known], materialRows] = await Promise.all([
    db.select({ code: sites.code }).from(sites).orderBy(asc(sites.code)).limit(KNOWN_LISTED),
    db.select({ code: sites.code }).from(sites).where(eq(sites.code, site)),
    db.select({ code: lines.code }).from(lines).where(eq(lines.siteCode, site)).orderBy(asc(lines.code)),
    db.select({ code: materials.code }).from(materials).where(eq(materials.code, material)),
    db.select({ code: materials.code }).from(materials).orderBy(asc(materials.code)).limit(KNOWN_LISTED),
  ]);
  return {
    sites: siteRows.map((r) => r.code),
    siteKnown: siteRow !== undefined,
    lines: lineRows.map((r) => r.code),
    materialKnown: known !== undefined,
    materials: materialRows.map((r) => r.code),
  };
}

// `closed`: the ERP closed the order (SAP TECO or deletion flag, services/sap-intake.ts); SAP can take a TECO back
// and announce the order as released again, and a new run would post under the old run's keys like any other.
const CLOSED: WorkOrderPhase[] = ['confirmed', 'cancelled', 'closed'];

/** An order the MES recorded as closed: its phase and when the read model recorded it (the run's last write). */
export interface ClosedOrder {
  phase: WorkOrderPhase;
  /** ISO 8601: when the order's row last changed, which for a closed order is when it closed. */
  closedAt: string;
}

/**
 * The order's end as the MES's own read model recorded it (work_orders, written by the workflow at each phase), or
 * null when the order is unknown or still open. Independent of what Temporal still retains of the run.
 * @throws Error when the row's status is not a `WorkOrderPhase` (db/order-phase.ts); the database's error.
 */
export async function closedOrder(db: Db, workflowId: string): Promise<ClosedOrder | null> {
  const [row] = await db
    .select({ workflowId: workOrders.workflowId, status: workOrders.status, updatedAt: workOrders.updatedAt })
    .from(workOrders)
    .where(and(eq(workOrders.workflowId, workflowId), inArray(workOrders.status, CLOSED)));
  return row ? { phase: phaseOfRow(row), closedAt: row.updatedAt.toISOString() } : null;
}
