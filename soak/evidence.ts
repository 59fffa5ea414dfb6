import type { Client } from '@temporalio/client';
import type pg from 'pg';
import { PostingList, type Posting } from '../contracts/messages/erp-rest.js';
import type { OrderReleased } from '../contracts/messages/order-release.js';
import type { WorkOrderStatus } from '../contracts/messages/work-order-status.js';
import { workOrderWorkflowId } from '../contracts/ids.js';
import { statusQuery } from '../workflows/definitions.js';
import type { SimLine } from '../simulators/opcua-line/server.js';
import type { Evidence } from './invariants.js';
import { LINE_CODES, LINES, SITE } from './plant.js';

/** Every document the ERP simulator holds (its own ledger, GET /api/postings with no filter). */
export async function erpPostings(erpSimUrl: string): Promise<Posting[]> {
  const res = await fetch(`${erpSimUrl}/api/postings`);
  if (!res.ok) throw new Error(`GET /api/postings: ${res.status} ${await res.text()}`);
  return PostingList.parse(await res.json()).postings;
}

async function perLine(pool: pg.Pool, sql: string): Promise<Record<string, { good: number; scrap: number }>> {
  const rows = (await pool.query<{ line: string; good: string; scrap: string }>(sql, [SITE])).rows;
  return Object.fromEntries(rows.map((r) => [r.line, { good: Number(r.good), scrap: Number(r.scrap) }]));
}

/** Gathers what the checks judge: the plant's true counts, the ERP's documents, the MES's open ends, reconciliation. */
export async function gatherEvidence(o: {
  sim: SimLine;
  erpSimUrl: string;
  pool: pg.Pool;
  client: Client;
  releases: OrderReleased[];
  phases: Record<string, string>;
  apiUrl: string;
  token: string;
}): Promise<Evidence> {
  const machines = LINE_CODES.flatMap((l) => [...LINES[l].machines]);
  const produced = Object.fromEntries(machines.map((m) => [m, o.sim.produced(m)]));
  const postings = await erpPostings(o.erpSimUrl);
  const unassigned = await perLine(o.pool, `select line_code as line, sum(good)::text as good, sum(scrap)::text as scrap from unassigned_production where site_code = $1 group by line_code`);
  const held = await perLine(
    o.pool,
    `select line_code as line, sum(case when counter = 'good' then delta else 0 end)::text as good, sum(case when counter = 'scrap' then delta else 0 end)::text as scrap
       from counter_holds where site_code = $1 and status = 'held' and counting_point group by line_code`,
  );
  const bridgeCounted = Object.fromEntries(
    (await o.pool.query<{ m: string; good: string; scrap: string }>(`select machine_code as m, sum(good)::text as good, sum(scrap)::text as scrap from machine_counts where site_code = $1 group by machine_code`, [SITE])).rows
      .map((r) => [r.m, { good: Number(r.good), scrap: Number(r.scrap) }]),
  );
  const workflowOrderIds: string[] = [];
  for await (const wf of o.client.workflow.list({ query: `WorkflowType = 'workOrderWorkflow'` })) {
    if (wf.workflowId.startsWith(`work-order:${SITE}:`)) workflowOrderIds.push(wf.workflowId.split(':')[2]!);
  }
  // Each order's quality holds as the order itself recorded them (a hold whose API reply was lost still counts).
  const qualityHolds: Record<string, number> = {};
  for (const r of o.releases) {
    try {
      const h = o.client.workflow.getHandle(workOrderWorkflowId(SITE, r.erpOrderId));
      // An open order's result would wait for ever: its status then.
      const st = ((await h.describe()).status.name === 'COMPLETED' ? await h.result() : await h.query(statusQuery)) as WorkOrderStatus;
      qualityHolds[r.erpOrderId] = st.qualityHolds.length;
    } catch {
      // not closed: the phase check reports it
    }
  }
  let reconciliation: Evidence['reconciliation'];
  try {
    const res = await fetch(`${o.apiUrl}/reconciliation?site=${SITE}`, { headers: { authorization: `Bearer ${o.token}` }, signal: AbortSignal.timeout(120_000) });
    reconciliation = res.ok ? ((await res.json()) as Evidence['reconciliation']) : { error: `${res.status} ${await res.text()}` };
  } catch (err) {
    reconciliation = { error: (err as Error).message };
  }
  return { produced, bridgeCounted, postings, releases: o.releases, unassigned, held, phases: o.phases, workflowOrderIds, qualityHolds, reconciliation };
}
