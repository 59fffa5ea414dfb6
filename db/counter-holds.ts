import { and, desc, eq, type SQL } from 'drizzle-orm';
import type pg from 'pg';
import type { CounterHoldQuery, CounterHoldView } from '../contracts/messages/counter-hold.js';
import { CounterHoldStatus } from '../contracts/messages/counter-hold.js';
import { CounterExplanation, CounterHoldReason, CounterKind, CounterReadingRecord, type CounterHoldEvent } from '../contracts/messages/machine-event.js';
import type { ShiftInput } from '../contracts/messages/shift.js';
import { counterHolds } from '../schema/index.js';
import type { Db } from './client.js';

/** A hold as the bridge records it: the edge's event and the context the bridge resolved for it. */
export interface HoldRecord {
  hold: CounterHoldEvent;
  /** The shift the readings fall in; null for a machine the plant model does not know. */
  shift: ShiftInput | null;
  countingPoint: boolean;
  order: { workflowId: string; erpOrderId: string } | null;
}

/** Inside the bridge round's transaction: one row per event id; a redelivered hold is the row already there. */
export async function insertHolds(c: pg.PoolClient, holds: HoldRecord[]): Promise<void> {
  if (holds.length === 0) return;
  const col = <T>(f: (h: HoldRecord) => T) => holds.map(f);
  await c.query(
    `insert into counter_holds (event_id, site_code, line_code, machine_code, tag, counter, reason, delta, "limit", elapsed_ms, raw,
       readings, source_time, shift, counting_point, workflow_id, erp_order_id, explanations)
     select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::bigint[],
       $10::bigint[], $11::float8[], $12::jsonb[], $13::timestamptz[], $14::jsonb[], $15::bool[], $16::text[], $17::text[], $18::jsonb[])
     on conflict (event_id) do nothing`,
    [
      col((h) => h.hold.eventId), col((h) => h.hold.site), col((h) => h.hold.line), col((h) => h.hold.machine), col((h) => h.hold.tag),
      col((h) => h.hold.counter), col((h) => h.hold.reason), col((h) => h.hold.delta), col((h) => h.hold.limit ?? null),
      col((h) => h.hold.elapsedMs), col((h) => h.hold.raw), col((h) => JSON.stringify(h.hold.readings)), col((h) => h.hold.sourceTime),
      col((h) => (h.shift ? JSON.stringify(h.shift) : null)), col((h) => h.countingPoint),
      col((h) => h.order?.workflowId ?? null), col((h) => h.order?.erpOrderId ?? null),
      col((h) => (h.hold.explanations ? JSON.stringify(h.hold.explanations) : null)),
    ],
  );
}

export type CounterHoldRow = typeof counterHolds.$inferSelect;

/**
 * A row as the API shows it. The text columns are narrowed here, where they are read, so a value the code does not
 * know (a hand edit, another version's row) fails loudly naming the hold, instead of travelling on.
 * @throws Error naming the hold and the column whose value is not one the contract knows.
 */
export function holdView(r: CounterHoldRow): CounterHoldView {
  const narrow = <T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, column: string, value: unknown): T => {
    const p = schema.safeParse(value);
    if (!p.success) throw new Error(`counter_holds.${column} of ${r.eventId} is ${JSON.stringify(value)}, not a value the engine knows`);
    return p.data;
  };
  return {
    eventId: r.eventId, site: r.siteCode, line: r.lineCode, machine: r.machineCode, tag: r.tag,
    counter: narrow(CounterKind, 'counter', r.counter),
    reason: narrow(CounterHoldReason, 'reason', r.reason),
    delta: r.delta, limit: r.limit, elapsedMs: r.elapsedMs, raw: r.raw,
    readings: narrow(CounterReadingRecord.array(), 'readings', r.readings),
    explanations: r.explanations === null ? null : narrow(CounterExplanation.array(), 'explanations', r.explanations),
    sourceTime: r.sourceTime.toISOString(),
    countingPoint: r.countingPoint,
    order: r.workflowId && r.erpOrderId ? { workflowId: r.workflowId, erpOrderId: r.erpOrderId } : null,
    status: narrow(CounterHoldStatus, 'status', r.status),
    decidedBy: r.decidedBy, decidedAt: r.decidedAt?.toISOString() ?? null, decisionReason: r.decisionReason,
    acceptedQuantity: r.acceptedQuantity, countedTo: r.countedTo,
    recordedAt: r.recordedAt.toISOString(),
  };
}

/** A site's holds by status (and line), newest readings first; `inScope` keeps only a scoped token's places. */
export async function listHolds(db: Db, q: CounterHoldQuery, inScope?: SQL): Promise<CounterHoldView[]> {
  const where: SQL[] = [eq(counterHolds.siteCode, q.site), eq(counterHolds.status, q.status)];
  if (inScope) where.push(inScope);
  if (q.line) where.push(eq(counterHolds.lineCode, q.line));
  const rows = await db.select().from(counterHolds).where(and(...where)).orderBy(desc(counterHolds.sourceTime)).limit(q.limit);
  return rows.map(holdView);
}

/** One hold by its event id, or null. */
export async function getHold(db: Db, eventId: string): Promise<CounterHoldView | null> {
  const [row] = await db.select().from(counterHolds).where(eq(counterHolds.eventId, eventId));
  return row ? holdView(row) : null;
}

/**
 * The most pieces an acceptance may count: the hold's delta or its largest explanation (a wrap the edge could not
 * tell from a reset is accepted as the rollover's pieces by a person who knows the counter wrapped). Takes the view,
 * whose explanations `holdView` has checked against the contract.
 */
export const mostExplained = (h: Pick<CounterHoldView, 'delta' | 'explanations'>): number =>
  Math.max(h.delta, ...(h.explanations ?? []).map((e) => e.pieces));
