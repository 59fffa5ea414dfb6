import { eq, sql } from 'drizzle-orm';
import type { WorkOrderStatus } from '../contracts/messages/work-order-status.js';
import { erpPostings, workOrders } from '../schema/index.js';
import type { Db } from './client.js';

/** A row of the MES's posting ledger as the planner API shows it (api/schemas/orders.ts `LedgerPosting`). */
export interface LedgerPostingView {
  postingKey: string;
  kind: string;
  status: string;
  erpDocument: string | null;
  attempts: number;
  lastError: string | null;
}

/** An order's status as its read model holds it, `asOf` the workflow time it is from, with its posting ledger. */
export interface StoredOrderDetail {
  status: WorkOrderStatus;
  asOf: Date;
  postings: LedgerPostingView[];
}

/**
 * Status and ledger in one statement, so one snapshot: the workflow writes a posting's ledger row before the status
 * that shows it (activities/erp-postings.ts, then workflows/read-model-writer.ts), so a status read here always comes
 * with its postings. Null when the order has no row, or a row from before the status document was kept.
 */
export async function storedOrderDetail(db: Db, workflowId: string): Promise<StoredOrderDetail | null> {
  const [row] = await db
    .select({
      status: workOrders.statusDoc,
      asOf: workOrders.asOf,
      postings: sql<LedgerPostingView[]>`coalesce((select json_agg(json_build_object(
        'postingKey', ${erpPostings.postingKey}, 'kind', ${erpPostings.kind}, 'status', ${erpPostings.status},
        'erpDocument', ${erpPostings.erpDocument}, 'attempts', ${erpPostings.attempts}, 'lastError', ${erpPostings.lastError}
      ) order by ${erpPostings.postingSeq}) from ${erpPostings} where ${erpPostings.workflowId} = ${workOrders.workflowId}), '[]'::json)`,
    })
    .from(workOrders)
    .where(eq(workOrders.workflowId, workflowId));
  if (!row?.status || !row.asOf) return null;
  return { status: row.status, asOf: row.asOf, postings: row.postings };
}
