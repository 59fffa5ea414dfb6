import { activityInfo, log } from '@temporalio/activity';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { WorkOrderStatus } from '../contracts/messages/work-order-status.js';
import { WorkOrderWip } from '../contracts/messages/work-order-wip.js';
import { LINE_CONTEXT_CHANNEL } from '../contracts/names.js';
import type { ProductionCount } from '../contracts/messages/production-count.js';
import type { Db } from '../db/client.js';
import { recordUnassigned } from '../db/unassigned-production.js';
import { workOrders } from '../schema/index.js';

/** Sends an order's live figures to dashboards (`mes.<site>.<line>.wip`, workers/wiring/wip-publisher.ts). */
export type PublishWip = (wip: WorkOrderWip) => void | Promise<void>;

/** How the workflow writes its read model row (workflows/read-model-writer.ts); absent in calls of older runs. */
export interface ReadModelWrite {
  /** Workflow time of the status, ISO: a write older than the row's is dropped. Absent: the activity's clock. */
  asOf?: string;
  /** The phase is the one last written: the line's active order did not change, so the bridge is not told. */
  countsOnly?: boolean;
}

/** The live figures of a status, checked against the contract before they leave (a producer bug fails here). */
export const wipOf = (s: WorkOrderStatus, asOf: string): WorkOrderWip =>
  WorkOrderWip.parse({
    v: 1, site: s.site, line: s.line, erpOrderId: s.erpOrderId, workflowId: s.workflowId, material: s.material, unit: s.unit,
    plannedQuantity: s.plannedQuantity, phase: s.phase, good: s.good, scrap: s.scrap, confirmedGood: s.confirmedGood,
    qualityHeld: s.qualityHeld, held: s.held, asOf,
  });

export function createReadModelActivities(deps: { db: Db; publishWip?: PublishWip }) {
  return {
    /**
     * Counts that reached an order after it stopped taking them: kept as unassigned production for a planner. Rows a
     * planner had assigned to this order come back open (the assignment's signal reached it too late to count).
     */
    async recordLateCounts(input: { site: string; line: string; counts: ProductionCount[] }): Promise<void> {
      const order = activityInfo().workflowExecution?.workflowId;
      await recordUnassigned(deps.db, input.counts.map((count) => ({ site: input.site, line: input.line, count, reason: 'order-closed' })), order);
    },
    /**
     * Idempotent: the row is the workflow's status as of `write.asOf`, so replays and retries write the same thing, and
     * an attempt that lost a race to a newer status changes nothing. A written row is also published as the order's
     * live WIP (`mes.<site>.<line>.wip`), best effort; a retry may publish it twice, which a subscriber keeping the
     * newest absorbs.
     */
    async upsertWorkOrder(s: WorkOrderStatus, write: ReadModelWrite = {}): Promise<void> {
      const asOf = new Date(write.asOf ?? Date.now());
      // The API sends this document as it is (db/order-detail.ts), so it is checked against the contract here, once. A
      // status that fails is a bug to see, not a reason to stall the order: it is logged and the API asks the workflow.
      const doc = WorkOrderStatus.safeParse(s);
      if (!doc.success) log.warn('status does not match WorkOrderStatus: read model keeps no status document', { workflowId: s.workflowId, error: z.prettifyError(doc.error) });
      const row = {
        siteCode: s.site,
        erpOrderId: s.erpOrderId,
        lineCode: s.line,
        material: s.material,
        operation: s.operation,
        plannedQuantity: s.plannedQuantity,
        unit: s.unit,
        status: s.phase,
        goodQuantity: s.good,
        scrapQuantity: s.scrap,
        confirmationDocument: s.confirmationDocument,
        releasedAt: new Date(s.releasedAt),
        statusDoc: doc.success ? doc.data : null,
        asOf,
        updatedAt: new Date(),
      };
      const written = await deps.db.transaction(async (tx) => {
        const rows = await tx
          .insert(workOrders)
          .values({ workflowId: s.workflowId, ...row })
          .onConflictDoUpdate({ target: workOrders.workflowId, set: row, setWhere: sql`${workOrders.asOf} is null or ${workOrders.asOf} <= excluded.as_of` })
          .returning({ workflowId: workOrders.workflowId });
        // The signal bridge caches which order is active on a line; this tells it at commit that the answer changed.
        if (rows.length > 0 && !write.countsOnly) await tx.execute(sql`select pg_notify(${LINE_CONTEXT_CHANNEL}, ${`${s.site}/${s.line}`})`);
        return rows.length > 0;
      });
      if (!written || !deps.publishWip) return;
      const wip = wipOf(s, asOf.toISOString());
      // Dashboards only: NATS away must not fail the write (a retry forever would stall the order behind it).
      await Promise.resolve(deps.publishWip(wip)).catch((err: unknown) => log.warn('live WIP not published', { workflowId: s.workflowId, error: String(err) }));
    },
  };
}
