import type { JetStreamClient } from '@nats-io/jetstream';
import { sql } from 'drizzle-orm';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { ExceptionKind, ExceptionMessage } from '../../contracts/messages/exception.js';
import type { Db } from '../../db/client.js';
import { nowIso, publishException } from '../../jetstream/publish-exception.js';
import { resolveException } from '../../db/exception-records.js';
import { auditLog } from '../../schema/index.js';
import { exceptionResolvedSignal } from '../../workflows/definitions.js';
import { tellRouting } from './inbox.js';

/**
 * What one round of the checks found, and the kinds it read only in part (a query reached its row bound): a record of
 * such a kind that was not found may still stand, so it is not cleared.
 */
export interface Findings {
  found: ExceptionMessage[];
  partial: ReadonlySet<ExceptionKind>;
}

/** Limits of the periodic checks (routing file `limits`), in seconds. */
export interface CheckLimits {
  holdUndecidedSeconds: number;
  erpWaitSeconds: number;
}

type Row = Record<string, unknown>;
const rows = async (db: Db, q: ReturnType<typeof sql>) => (await db.execute(q)).rows as Row[];
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

/** A movement that takes back what was posted (SAP 262 reverses a 261 goods issue, 102 a 101 goods receipt). */
const REVERSALS = new Set(['262', '102']);

/**
 * What PostgreSQL already holds that needs a person, as exceptions (stage `exception-check`): ERP rejections and
 * refused compensations (erp_postings `rejected`, written by activities/erp-postings.ts when the ERP refuses on
 * business grounds; the order is parked), open quality holds (the order's status in the read model), counter holds
 * and quality holds (those with `heldAt`, workflow time) undecided past `holdUndecidedSeconds`, postings sent and unanswered past `erpWaitSeconds`. Each finding names its
 * occurrence (the posting key, the hold), so finding it again every round is neither a repeat nor, once resolved, a new record.
 * A refusal's cause is its posting (not the order): a refused 262 and, once it posts, the refused confirmation the
 * order parks on next are two records, and a retry in flight (attempts counted, answer not yet back) that the check
 * reads as a new occurrence is cleared as soon as the posting stands. Each query reads at most `maxRows` rows; the
 * kinds of one that reached it are `partial`.
 */
export async function findExceptions(db: Db, limits: CheckLimits, maxRows = 500): Promise<Findings> {
  const found: ExceptionMessage[] = [];
  const partial = new Set<ExceptionKind>();
  /** The rows of one query, bounded; a query that fills its bound marks its kinds as read in part. */
  const bounded = async (q: ReturnType<typeof sql>, kinds: ExceptionKind[]) => {
    const r = await rows(db, sql`${q} limit ${maxRows}`);
    if (r.length >= maxRows) for (const k of kinds) partial.add(k);
    return r;
  };
  const base = { stage: 'exception-check', occurredAt: nowIso() } as const;
  // The order's latest refusal is the one it is parked on: a refused confirmation whose 262 is refused in turn waits
  // for the reversal first (workflows/work-order-postings.ts), so that is the record; the confirmation's comes after.
  for (const r of await bounded(sql`select distinct on (p.workflow_id) p.workflow_id, p.posting_key, p.kind, p.request, p.last_error, p.attempts, w.site_code, w.line_code, w.erp_order_id
      from erp_postings p join work_orders w on w.workflow_id = p.workflow_id where p.status = 'rejected' order by p.workflow_id, p.created_at desc, p.posting_seq desc`, ['erp-rejection', 'compensation-refused'])) {
    const request = (r.request ?? {}) as Row;
    const compensation = REVERSALS.has(String(request.movementType ?? '')) || /revers|cancel|compens/i.test(String(r.posting_key));
    found.push({
      ...base, kind: compensation ? 'compensation-refused' : 'erp-rejection', severity: 'critical', site: String(r.site_code), line: str(r.line_code),
      erpOrderId: str(r.erp_order_id), workflowId: String(r.workflow_id), causeKey: `erp-rejection:${String(r.workflow_id)}:${String(r.posting_key)}`, occurrence: `${String(r.posting_key)}#${String(r.attempts)}`,
      reason: `the ERP refused ${String(r.kind)} ${String(r.posting_key)}${compensation ? ' (a reversal: what was posted stands)' : ''}: ${str(r.last_error) ?? 'no message'}`,
      evidence: { postingKey: r.posting_key, postingKind: r.kind, erpMessage: r.last_error, request }, actions: ['retry', 'skip', 'escalate'],
    });
  }
  for (const r of await bounded(sql`select w.workflow_id, w.site_code, w.line_code, w.erp_order_id, h as hold
      from work_orders w, jsonb_array_elements(coalesce(w.status_doc->'qualityHolds', '[]'::jsonb)) h
      where w.status not in ('closed', 'cancelled') and (h->'disposition' is null or h->'disposition' = 'null'::jsonb)`, ['quality-hold', 'hold-overdue'])) {
    const hold = r.hold as { id: number; quantity: number; defectText: string; notification: string | null; heldAt?: string };
    const place = { site: String(r.site_code), line: str(r.line_code), erpOrderId: str(r.erp_order_id), workflowId: String(r.workflow_id) };
    found.push({
      ...base, ...place, kind: 'quality-hold', severity: 'warning',
      causeKey: `quality-hold:${String(r.workflow_id)}:${hold.id}`, occurrence: `${String(r.workflow_id)}:${hold.id}`,
      reason: `${hold.quantity} units of order ${String(r.erp_order_id)} held for quality (${hold.defectText}), waiting for a disposition`,
      evidence: { hold }, actions: ['accept', 'skip', 'escalate'],
    });
    // Holds taken before the workflow recorded `heldAt` cannot be timed: their quality-hold record escalates instead.
    const heldMs = hold.heldAt === undefined ? NaN : Date.parse(hold.heldAt);
    if (!(heldMs < Date.now() - limits.holdUndecidedSeconds * 1000)) continue;
    found.push({
      ...base, ...place, kind: 'hold-overdue', severity: 'critical',
      causeKey: `hold-overdue:quality:${String(r.workflow_id)}:${hold.id}`, occurrence: `${String(r.workflow_id)}:${hold.id}`,
      reason: `quality hold ${hold.id} of order ${String(r.erp_order_id)} (${hold.quantity} units, ${hold.defectText}) undecided for more than ${limits.holdUndecidedSeconds} s`,
      evidence: { hold, heldAt: hold.heldAt }, actions: ['accept', 'skip', 'escalate'],
    });
  }
  for (const r of await bounded(sql`select event_id, site_code, line_code, machine_code, delta, reason, workflow_id, erp_order_id, recorded_at
      from counter_holds where status = 'held' and recorded_at < now() - make_interval(secs => ${limits.holdUndecidedSeconds})`, ['hold-overdue'])) {
    found.push({
      ...base, kind: 'hold-overdue', severity: 'critical', site: String(r.site_code), line: str(r.line_code), erpOrderId: str(r.erp_order_id),
      workflowId: str(r.workflow_id), causeKey: `hold-overdue:${String(r.event_id)}`, occurrence: String(r.event_id),
      reason: `counter hold ${String(r.event_id)} (${String(r.machine_code)}, ${String(r.delta)} pieces, ${String(r.reason)}) undecided for more than ${limits.holdUndecidedSeconds} s`,
      evidence: { eventId: r.event_id, machine: r.machine_code, delta: r.delta, recordedAt: r.recorded_at }, actions: ['accept', 'skip', 'escalate'],
    });
  }
  for (const r of await bounded(sql`select p.workflow_id, p.posting_key, p.kind, p.created_at, p.attempts, p.last_error, w.site_code, w.line_code, w.erp_order_id
      from erp_postings p join work_orders w on w.workflow_id = p.workflow_id
      where p.status = 'pending' and p.created_at < now() - make_interval(secs => ${limits.erpWaitSeconds})`, ['erp-wait-overdue'])) {
    found.push({
      ...base, kind: 'erp-wait-overdue', severity: 'warning', site: String(r.site_code), line: str(r.line_code), erpOrderId: str(r.erp_order_id),
      workflowId: String(r.workflow_id), causeKey: `erp-wait:${String(r.workflow_id)}`, occurrence: String(r.posting_key),
      reason: `order ${String(r.erp_order_id)} has waited more than ${limits.erpWaitSeconds} s for the ERP to answer ${String(r.kind)} ${String(r.posting_key)} (${String(r.attempts)} attempts${r.last_error ? `, last: ${String(r.last_error)}` : ''})`,
      evidence: { postingKey: r.posting_key, since: r.created_at, attempts: r.attempts, lastError: r.last_error }, actions: ['skip', 'escalate'],
    });
  }
  return { found, partial };
}

/**
 * Resolves the open records whose cause is gone, decided or posted through another route (the order retried from
 * `/orders/.../retry-posting`, the hold decided at `/production/holds`, the production given to an order at
 * `/unassigned/assign`): a record of the checks whose cause key this round did not find (a refusal: whose posting is no
 * longer refused), a counter-hold record whose
 * hold is no longer held, an unassigned-production record whose machine has no open unassigned rows left for its
 * reason. Records of a kind in `partial` (the round read it only in part) are not cleared by absence. Resolution
 * `assigned` (with the orders) when the production went to orders, else `cleared`; audited as
 * `exception-assigned` / `exception-cleared` by `exception-check`. Returns the ids it resolved.
 */
export async function clearGoneCauses(db: Db, found: Set<string>, partial: ReadonlySet<string> = new Set()): Promise<number[]> {
  const candidates = await rows(db, sql`select r.id, r.cause_key, r.stage, r.kind, h.status as hold_status, u.open_rows, u.assigned_to, e.still_refused
      from exception_records r
      left join counter_holds h on r.kind = 'counter-hold' and r.cause_key = 'counter-hold:' || h.event_id
      left join lateral (select count(*) filter (where p.status = 'open') as open_rows,
          array_remove(array_agg(distinct p.assigned_to) filter (where p.status = 'assigned' and p.assigned_at >= r.first_seen_at), null) as assigned_to
        from unassigned_production p where r.kind = 'unassigned-production' and p.site_code = r.site_code and p.line_code = r.line_code
          and p.machine_code = r.evidence->>'machine' and p.reason = r.evidence->>'reason') u on true
      left join lateral (select true as still_refused from erp_postings ep where r.kind in ('erp-rejection', 'compensation-refused')
          and ep.posting_key = r.evidence->>'postingKey' and ep.status = 'rejected' limit 1) e on true
      where r.state <> 'resolved' and (r.stage = 'exception-check' or r.kind in ('counter-hold', 'unassigned-production'))`);
  const gone = candidates.filter((r) => {
    // A refusal the order is not parked on now (a confirmation behind its refused 262) is hidden, not gone.
    // Past a query's bound the round saw some causes only: one not seen may stand (it would not reopen once cleared).
    if (r.stage === 'exception-check') return !partial.has(String(r.kind)) && !found.has(String(r.cause_key)) && r.still_refused !== true;
    if (r.kind === 'counter-hold') return r.hold_status !== null && r.hold_status !== 'held';
    return Number(r.open_rows) === 0;
  });
  const cleared: number[] = [];
  for (const r of gone) {
    const id = Number(r.id);
    const orders = (r.assigned_to ?? []) as string[];
    const action = orders.length > 0 ? 'assigned' : 'cleared';
    const reason = action === 'assigned' ? `the production was assigned to ${orders.join(', ')}` : 'the cause is gone: decided or posted elsewhere';
    const done = await resolveException(db, id, 'exception-check', { action, reason, ...(orders.length > 0 ? { effect: { assignedTo: orders } } : {}) });
    if (!done) continue;
    await db.insert(auditLog).values({ actor: 'exception-check', role: 'integration', action: `exception-${action}`, target: `exception/${id}`, details: { causeKey: r.cause_key, ...(orders.length > 0 ? { assignedTo: orders } : {}) } });
    cleared.push(id);
  }
  return cleared;
}

/**
 * Runs `findExceptions` every `everyMs` and publishes what it finds (deduplicated by JetStream for 10 min, then by
 * the inbox), then clears the records whose cause is gone and ends their routing.
 */
export function startExceptionChecks(db: Db, js: JetStreamClient, client: Client, limits: () => CheckLimits, log: Logger, everyMs = 60_000): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = (async () => {
      const { found, partial } = await findExceptions(db, limits());
      for (const e of found) await publishException(js, e);
      for (const id of await clearGoneCauses(db, new Set(found.map((e) => e.causeKey)), partial)) await tellRouting(client, id, exceptionResolvedSignal, 'exception-check');
    })().catch((err: unknown) => log.warn({ err }, 'exception checks failed, next round retries'));
  };
  const timer = setInterval(tick, everyMs);
  tick();
  return { stop: async () => { clearInterval(timer); await running; } };
}
