import { eq, sql } from 'drizzle-orm';
import { erpPostings, workOrders } from '../schema/index.js';
import type { Db } from './client.js';

/**
 * The reply of `GET /orders/:site/:id` from the read model (api/schemas/orders.ts `OrderDetail`: `status`, `postings`,
 * `asOf`, `source: 'read-model'`) as JSON text built by PostgreSQL, so the API sends it without parsing and
 * serializing it again: the status document was checked against `WorkOrderStatus` when it was written
 * (activities/read-model.ts), and the ledger's columns are the `LedgerPosting` fields. One statement, so one snapshot:
 * the workflow writes a posting's ledger row before the status that shows it, so a status here always comes with its
 * postings. `asOf` is the workflow time of the status, ISO in UTC like `Date.toISOString`.
 */
const detail = (db: Db) =>
  db
    .select({
      json: sql<string>`json_build_object(
        'status', ${workOrders.statusDoc},
        'postings', coalesce((select json_agg(json_build_object(
          'postingKey', ${erpPostings.postingKey}, 'kind', ${erpPostings.kind}, 'status', ${erpPostings.status},
          'erpDocument', ${erpPostings.erpDocument}, 'attempts', ${erpPostings.attempts}, 'lastError', ${erpPostings.lastError}
        ) order by ${erpPostings.postingSeq}) from ${erpPostings} where ${erpPostings.workflowId} = ${workOrders.workflowId}), '[]'::json),
        'asOf', to_char(${workOrders.asOf} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'source', 'read-model'
      )::text`,
    })
    .from(workOrders)
    // Rows written before status documents were kept have none: the caller asks the workflow instead.
    .where(sql`${eq(workOrders.workflowId, sql.placeholder('workflowId'))} and ${workOrders.statusDoc} is not null and ${workOrders.asOf} is not null`)
    .prepare('stored_order_detail');

const prepared = new WeakMap<Db, ReturnType<typeof detail>>();

/** The order's reply as JSON text, or null when the read model holds no status document for it. */
export async function storedOrderDetailJson(db: Db, workflowId: string): Promise<string | null> {
  let statement = prepared.get(db);
  if (!statement) prepared.set(db, (statement = detail(db)));
  const [row] = await statement.execute({ workflowId });
  return row?.json ?? null;
}
