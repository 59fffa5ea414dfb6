import { sql } from 'drizzle-orm';
import type { WorkOrderStatus } from '../contracts/messages/work-order-status.js';
import { LINE_CONTEXT_CHANNEL } from '../contracts/names.js';
import type { ProductionCount } from '../contracts/messages/production-count.js';
import type { Db } from '../db/client.js';
import { recordUnassigned } from '../db/unassigned-production.js';
import { workOrders } from '../schema/index.js';

export function createReadModelActivities(deps: { db: Db }) {
  return {
    /** Counts that reached an order after it stopped taking them: kept as unassigned production for a planner. */
    async recordLateCounts(input: { site: string; line: string; counts: ProductionCount[] }): Promise<void> {
      await recordUnassigned(deps.db, input.counts.map((count) => ({ site: input.site, line: input.line, count, reason: 'order-closed' })));
    },
    /** Idempotent: the row is the workflow's latest status, so replays and retries write the same thing. */
    async upsertWorkOrder(s: WorkOrderStatus): Promise<void> {
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
        updatedAt: new Date(),
      };
      await deps.db.transaction(async (tx) => {
        await tx.insert(workOrders).values({ workflowId: s.workflowId, ...row }).onConflictDoUpdate({ target: workOrders.workflowId, set: row });
        // The signal bridge caches which order is active on a line; this tells it at commit that the answer changed.
        await tx.execute(sql`select pg_notify(${LINE_CONTEXT_CHANNEL}, ${`${s.site}/${s.line}`})`);
      });
    },
  };
}
