import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { CounterHoldStatus, CounterHoldView } from '../contracts/messages/counter-hold.js';
import { CounterKind } from '../contracts/messages/machine-event.js';
import type { OrderDelta } from '../contracts/messages/outbox-delta.js';
import { counterHolds } from '../schema/index.js';
import type { Db } from './client.js';
import { holdView, type CounterHoldRow } from './counter-holds.js';
import { appendOutbox, inTransaction, insertUnassigned, type OutboxWrite } from './event-outbox.js';
import { addMachineCounts, type MachineCountItem } from './machine-counts.js';
import type { UnassignedItem } from './unassigned-production.js';

/** What accepting a hold writes, besides its own row. */
export interface AcceptedHoldWrites {
  outbox: OutboxWrite | null;
  unassigned: UnassignedItem | null;
  machine: MachineCountItem | null;
  /** `counted_to`: the order's workflow id, `unassigned` or `machine`. */
  countedTo: string;
}

/**
 * Pure (throws when `counter` is not a CounterKind): where an accepted hold's delta counts. Always in its machine's shift counts (machine-level data). Toward
 * order quantity only from a counting point, and only good or scrap (a `total` counter feeds no order, as in
 * bridge/route.ts): to the order that was in context through the outbox, as one more delta row, so the relay and the
 * workflow's high-water mark count it exactly once and a closed order passes it on to unassigned production; with no
 * order in context, straight to unassigned production, under `hold:<eventId>` so a repeat is the same row.
 */
export function placeAcceptedHold(r: CounterHoldRow): AcceptedHoldWrites {
  // Narrowed before anything is written: a counter the code does not know fails the decision, inside its transaction.
  const counter = CounterKind.parse(r.counter);
  const machine: MachineCountItem | null =
    r.shiftDate && r.shiftCode
      ? { site: r.siteCode, line: r.lineCode, machine: r.machineCode, shiftDate: r.shiftDate, shiftCode: r.shiftCode, counter, delta: r.delta, events: 1 }
      : null;
  if (!r.countingPoint || (counter !== 'good' && counter !== 'scrap')) return { outbox: null, unassigned: null, machine, countedTo: 'machine' };
  const sourceTime = r.sourceTime.toISOString();
  const good = counter === 'good' ? r.delta : 0;
  const scrap = counter === 'scrap' ? r.delta : 0;
  if (r.workflowId) {
    const delta: OrderDelta = { machines: [{ machine: r.machineCode, good, scrap, events: 1, lastSourceTime: sourceTime }], duplicatesDropped: 0 };
    return { outbox: { workflowId: r.workflowId, target: { kind: 'work-order', site: r.siteCode, line: r.lineCode }, delta }, unassigned: null, machine, countedTo: r.workflowId };
  }
  const unassigned: UnassignedItem = {
    site: r.siteCode, line: r.lineCode, reason: 'no-active-order',
    count: { eventId: `hold:${r.eventId}`, machine: r.machineCode, sourceTime, good, scrap },
  };
  return { outbox: null, unassigned, machine, countedTo: 'unassigned' };
}

/** A person's decision on a hold: accept (with an optional note) or reject (with a reason), and who decided. */
export type HoldDecision = { decision: 'accept'; note?: string; by: string } | { decision: 'reject'; reason: string; by: string };

export type DecideOutcome =
  | { outcome: 'decided'; hold: CounterHoldView }
  | { outcome: 'not-found' }
  | { outcome: 'already-decided'; status: CounterHoldStatus; decidedBy: string | null; decidedAt: string | null };

/**
 * Decides a held hold in one transaction: the row is locked, so of two concurrent decisions (a double click, a retry
 * after a lost reply) the second waits and then finds it decided. An acceptance writes its delta (placeAcceptedHold)
 * in the same transaction as the status change, so the delta exists exactly when the hold says accepted.
 * @returns the decided hold; `not-found`; or `already-decided` with the status it has (nothing written).
 * @throws the database's error (nothing written).
 */
export async function decideHold(db: Db, eventId: string, d: HoldDecision): Promise<DecideOutcome> {
  return inTransaction(db, async (c) => {
    const tx = drizzle(c);
    const [row] = await tx.select().from(counterHolds).where(eq(counterHolds.eventId, eventId)).for('update');
    if (!row) return { outcome: 'not-found' as const };
    if (row.status !== 'held') {
      const v = holdView(row);
      return { outcome: 'already-decided' as const, status: v.status, decidedBy: v.decidedBy, decidedAt: v.decidedAt };
    }
    let countedTo: string | null = null;
    if (d.decision === 'accept') {
      const w = placeAcceptedHold(row);
      if (w.outbox) await appendOutbox(c, [w.outbox]);
      if (w.unassigned) await insertUnassigned(c, [w.unassigned]);
      if (w.machine) await addMachineCounts(c, [w.machine]);
      countedTo = w.countedTo;
    }
    const [decided] = await tx
      .update(counterHolds)
      .set({
        status: d.decision === 'accept' ? 'accepted' : 'rejected',
        decidedBy: d.by,
        decidedAt: new Date(),
        decisionReason: d.decision === 'accept' ? (d.note ?? null) : d.reason,
        countedTo,
      })
      .where(eq(counterHolds.eventId, eventId))
      .returning();
    return { outcome: 'decided' as const, hold: holdView(decided!) };
  });
}
