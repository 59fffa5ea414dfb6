import type { Client } from '@temporalio/client';
import type pg from 'pg';
import type { ErpAdapter, PostingKind } from '../contracts/erp-port.js';
import type { OrderReleased } from '../contracts/messages/order-release.js';
import type { WorkOrderStatus } from '../contracts/messages/work-order-status.js';
import { postingKey, workOrderWorkflowId } from '../contracts/ids.js';
import { statusQuery } from '../workflows/definitions.js';
import type { SimLine } from '../simulators/opcua-line/server.js';
import type { ErpBooks, Evidence } from './invariants.js';
import { ERP_PLANT, LINE_CODES, LINES, SITE } from './plant.js';
import type { ShiftBooks, ShiftEnd } from './shift-invariants.js';

/** `f` over `items`, `n` at a time, results in order: a real ERP sees a handful of look-ups at once, not hundreds. */
async function inBatches<T, R>(items: T[], n: number, f: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += n) out.push(...(await Promise.all(items.slice(i, i + n).map(f))));
  return out;
}

/**
 * Where the ERP keeps a posting of the MES ledger's `kind` (activities/erp-postings.ts); undefined for a
 * confirmation's cancellation, which the ERP records on the confirmation (and SAP as a reversal record the port's
 * lists leave out), not as a document under its own key.
 */
export function portKind(ledgerKind: string): PostingKind | undefined {
  if (ledgerKind === 'confirmation' || ledgerKind === 'quality-notification' || ledgerKind === 'downtime') return ledgerKind;
  return /^(goods-|correction-|blocked-)/.test(ledgerKind) ? 'goods-movement' : undefined;
}

/**
 * The ERP's own books, read through its adapter as reconciliation reads them, so the checks hold for any ERP: each
 * released order's documents (`listOrderPostings`), what the ERP finds under every key the MES ledger (`erp_postings`)
 * says it posted (`findPostings` of the key's kind), and the plant's downtime (`listDowntime`).
 * @throws ErpUnavailable or ErpRejected from the adapter (the faults are cleared by then: a defect); the database's error.
 */
export async function erpBooks(erp: ErpAdapter, pool: pg.Pool, releases: OrderReleased[]): Promise<ErpBooks> {
  const orders = Object.fromEntries(await inBatches(releases, 4, async (r) => [r.erpOrderId, await erp.listOrderPostings(r.erpOrderId)] as const));
  const ledger = (await pool.query<{ workflow_id: string; posting_key: string; kind: string; status: string; erp_document: string | null }>(
    'select workflow_id, posting_key, kind, status, erp_document from erp_postings order by workflow_id, posting_seq',
  )).rows;
  const keys = await inBatches(
    ledger.flatMap((r) => {
      const kind = portKind(r.kind);
      return kind ? [{ workflowId: r.workflow_id, postingKey: r.posting_key, kind, status: r.status, mesDocument: r.erp_document }] : [];
    }),
    8,
    async (k) => ({ ...k, documents: (await erp.findPostings(k.postingKey, k.kind)).map((d) => d.document) }),
  );
  return { orders, keys, downtime: await erp.listDowntime(ERP_PLANT) };
}

/**
 * The ERP's documents under every downtime key of each closed shift (`<workflow id>#1` ... `#records`, as the shift
 * workflow posts them), looked up through the adapter (`findPostings`), so an ERP that keeps its own reference (SAP's
 * hashed one) is read the same way.
 * @throws ErpUnavailable or ErpRejected from the adapter.
 */
async function shiftBooks(erp: ErpAdapter, shifts: ShiftEnd[]): Promise<ShiftBooks[]> {
  return inBatches(shifts, 2, async (s) => {
    const seqs = Array.from({ length: s.status === 'closed' ? (s.downtime?.records ?? 0) : 0 }, (_, i) => i + 1);
    const documents = await inBatches(seqs, 4, async (seq) => (await erp.findPostings(postingKey(s.workflowId, seq), 'downtime')).map((d) => d.document));
    return { ...s, documents };
  });
}

async function perLine(pool: pg.Pool, sql: string): Promise<Record<string, { good: number; scrap: number }>> {
  const rows = (await pool.query<{ line: string; good: string; scrap: string }>(sql, [SITE])).rows;
  return Object.fromEntries(rows.map((r) => [r.line, { good: Number(r.good), scrap: Number(r.scrap) }]));
}

/** Gathers what the checks judge: the plant's true counts, the ERP's books, the MES's open ends, reconciliation. */
export async function gatherEvidence(o: {
  sim: SimLine;
  erp: ErpAdapter;
  pool: pg.Pool;
  client: Client;
  releases: OrderReleased[];
  phases: Record<string, string>;
  /** The site's shift workflows as the drain left them (soak/shifts.ts `closeShifts`). */
  shifts: ShiftEnd[];
  apiUrl: string;
  token: string;
}): Promise<Evidence> {
  const machines = LINE_CODES.flatMap((l) => [...LINES[l].machines]);
  const produced = Object.fromEntries(machines.map((m) => [m, o.sim.produced(m)]));
  const erp = await erpBooks(o.erp, o.pool, o.releases);
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
  const shifts = await shiftBooks(o.erp, o.shifts);
  return { produced, bridgeCounted, erp, releases: o.releases, unassigned, held, phases: o.phases, workflowOrderIds, qualityHolds, shifts, reconciliation };
}
