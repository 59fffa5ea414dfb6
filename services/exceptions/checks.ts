import type { JetStreamClient } from '@nats-io/jetstream';
import { sql } from 'drizzle-orm';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { ExceptionMessage } from '../../contracts/messages/exception.js';
import type { Db } from '../../db/client.js';
import { nowIso, publishException } from '../../jetstream/publish-exception.js';
import { resolveException } from '../../db/exception-records.js';
import { auditLog } from '../../schema/index.js';
import { exceptionResolvedSignal } from '../../workflows/definitions.js';
import { tellRouting } from './inbox.js';

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
 * undecided past `holdUndecidedSeconds`, postings sent and unanswered past `erpWaitSeconds`. Each finding names its
 * occurrence (the posting key, the hold), so finding it again every round is neither a repeat nor, once resolved, a new record.
 */
export async function findExceptions(db: Db, limits: CheckLimits): Promise<ExceptionMessage[]> {
  const found: ExceptionMessage[] = [];
  const base = { stage: 'exception-check', occurredAt: nowIso() } as const;
  for (const r of await rows(db, sql`select p.workflow_id, p.posting_key, p.kind, p.request, p.last_error, p.attempts, w.site_code, w.line_code, w.erp_order_id
      from erp_postings p join work_orders w on w.workflow_id = p.workflow_id where p.status = 'rejected' order by p.created_at limit 500`)) {
    const request = (r.request ?? {}) as Row;
    const compensation = REVERSALS.has(String(request.movementType ?? '')) || /revers|cancel|compens/i.test(String(r.posting_key));
    found.push({
      ...base, kind: compensation ? 'compensation-refused' : 'erp-rejection', severity: 'critical', site: String(r.site_code), line: str(r.line_code),
      erpOrderId: str(r.erp_order_id), workflowId: String(r.workflow_id), causeKey: `erp-rejection:${String(r.workflow_id)}`, occurrence: `${String(r.posting_key)}#${String(r.attempts)}`,
      reason: `the ERP refused ${String(r.kind)} ${String(r.posting_key)}${compensation ? ' (a reversal: what was posted stands)' : ''}: ${str(r.last_error) ?? 'no message'}`,
      evidence: { postingKey: r.posting_key, postingKind: r.kind, erpMessage: r.last_error, request }, actions: ['retry', 'skip', 'escalate'],
    });
  }
  for (const r of await rows(db, sql`select w.workflow_id, w.site_code, w.line_code, w.erp_order_id, h as hold
      from work_orders w, jsonb_array_elements(coalesce(w.status_doc->'qualityHolds', '[]'::jsonb)) h
      where w.status not in ('closed', 'cancelled') and (h->'disposition' is null or h->'disposition' = 'null'::jsonb) limit 500`)) {
    const hold = r.hold as { id: number; quantity: number; defectText: string; notification: string | null };
    found.push({
      ...base, kind: 'quality-hold', severity: 'warning', site: String(r.site_code), line: str(r.line_code), erpOrderId: str(r.erp_order_id),
      workflowId: String(r.workflow_id), causeKey: `quality-hold:${String(r.workflow_id)}:${hold.id}`, occurrence: `${String(r.workflow_id)}:${hold.id}`,
      reason: `${hold.quantity} units of order ${String(r.erp_order_id)} held for quality (${hold.defectText}), waiting for a disposition`,
      evidence: { hold }, actions: ['accept', 'skip', 'escalate'],
    });
  }
  for (const r of await rows(db, sql`select event_id, site_code, line_code, machine_code, delta, reason, workflow_id, erp_order_id, recorded_at
      from counter_holds where status = 'held' and recorded_at < now() - make_interval(secs => ${limits.holdUndecidedSeconds}) limit 500`)) {
    found.push({
      ...base, kind: 'hold-overdue', severity: 'critical', site: String(r.site_code), line: str(r.line_code), erpOrderId: str(r.erp_order_id),
      workflowId: str(r.workflow_id), causeKey: `hold-overdue:${String(r.event_id)}`, occurrence: String(r.event_id),
      reason: `counter hold ${String(r.event_id)} (${String(r.machine_code)}, ${String(r.delta)} pieces, ${String(r.reason)}) undecided for more than ${limits.holdUndecidedSeconds} s`,
      evidence: { eventId: r.event_id, machine: r.machine_code, delta: r.delta, recordedAt: r.recorded_at }, actions: ['accept', 'skip', 'escalate'],
    });
  }
  for (const r of await rows(db, sql`select p.workflow_id, p.posting_key, p.kind, p.created_at, p.attempts, p.last_error, w.site_code, w.line_code, w.erp_order_id
      from erp_postings p join work_orders w on w.workflow_id = p.workflow_id
      where p.status = 'pending' and p.created_at < now() - make_interval(secs => ${limits.erpWaitSeconds}) limit 500`)) {
    found.push({
      ...base, kind: 'erp-wait-overdue', severity: 'warning', site: String(r.site_code), line: str(r.line_code), erpOrderId: str(r.erp_order_id),
      workflowId: String(r.workflow_id), causeKey: `erp-wait:${String(r.workflow_id)}`, occurrence: String(r.posting_key),
      reason: `order ${String(r.erp_order_id)} has waited more than ${limits.erpWaitSeconds} s for the ERP to answer ${String(r.kind)} ${String(r.posting_key)} (${String(r.attempts)} attempts${r.last_error ? `, last: ${String(r.last_error)}` : ''})`,
      evidence: { postingKey: r.posting_key, since: r.created_at, attempts: r.attempts, lastError: r.last_error }, actions: ['skip', 'escalate'],
    });
  }
  return found;
}

/**
 * Resolves the open records whose cause is gone, decided or posted through another route (the order retried from
 * `/orders/.../retry-posting`, the hold decided at `/production/holds`): a record of the checks whose cause key this
 * round did not find, and a counter-hold record whose hold is no longer held. Audited as `exception-cleared` by
 * `exception-check`. Returns the ids it resolved.
 */
export async function clearGoneCauses(db: Db, found: Set<string>): Promise<number[]> {
  const candidates = await rows(db, sql`select r.id, r.cause_key, r.stage, h.status as hold_status from exception_records r
      left join counter_holds h on r.kind = 'counter-hold' and r.cause_key = 'counter-hold:' || h.event_id
      where r.state <> 'resolved' and (r.stage = 'exception-check' or r.kind = 'counter-hold')`);
  const gone = candidates.filter((r) => (r.stage === 'exception-check' ? !found.has(String(r.cause_key)) : r.hold_status !== null && r.hold_status !== 'held'));
  const cleared: number[] = [];
  for (const r of gone) {
    const id = Number(r.id);
    const done = await resolveException(db, id, 'exception-check', { action: 'cleared', reason: 'the cause is gone: decided or posted elsewhere' });
    if (!done) continue;
    await db.insert(auditLog).values({ actor: 'exception-check', role: 'integration', action: 'exception-cleared', target: `exception/${id}`, details: { causeKey: r.cause_key } });
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
      const found = await findExceptions(db, limits());
      for (const e of found) await publishException(js, e, {}, `${e.causeKey}|${e.occurrence}`);
      for (const id of await clearGoneCauses(db, new Set(found.map((e) => e.causeKey)))) await tellRouting(client, id, exceptionResolvedSignal, 'exception-check');
    })().catch((err: unknown) => log.warn({ err }, 'exception checks failed, next round retries'));
  };
  const timer = setInterval(tick, everyMs);
  tick();
  return { stop: async () => { clearInterval(timer); await running; } };
}
