import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { CounterHoldStatus, CounterHoldView } from '../contracts/messages/counter-hold.js';
import { CounterKind } from '../contracts/messages/machine-event.js';
import { shiftWorkflowId } from '../contracts/ids.js';
import type { OrderDelta, ShiftDelta } from '../contracts/messages/outbox-delta.js';
import { ShiftInput } from '../contracts/messages/shift.js';
import { counterHolds } from '../schema/index.js';
import type { Db } from './client.js';
import { holdView, mostExplained, type CounterHoldRow } from './counter-holds.js';
import { appendOutbox, inTransaction, insertUnassigned, type OutboxWrite } from './event-outbox.js';
import { addMachineCounts, type MachineCountItem } from './machine-counts.js';
import type { UnassignedItem } from './unassigned-production.js';

/** What accepting a hold writes, besides its own row. */
export interface AcceptedHoldWrites {
  /** The order's delta and the shift's (a counting point's line tally), each a row of its workflow's outbox. */
  outbox: OutboxWrite[];
  unassigned: UnassignedItem | null;
  machine: MachineCountItem | null;
  /** `counted_to`: the order's workflow id, `unassigned` or `machine`. */
  countedTo: string;
}

/**
 * Pure: where an accepted hold's `quantity` counts (its delta, or the quantity a person corrected it to), as if its
 * readings had been counted when they came.
 * - Always in its machine's shift counts (machine-level data), when the machine is known.
 * - In its shift: one more outbox row of that shift workflow (a shift closed meanwhile refuses it, as it refuses any
 *   late delta; bridge/relay.ts); from a counting point in the line's tally, else marked `countingPoint: false` (the
 *   machine's own OEE only).
 * - From a counting point, good or scrap (a `total` counter feeds no order, bridge/route.ts): to the order that was
 *   in context, as one more outbox row, so the relay and the workflow's high-water mark count it exactly once and a
 *   closed order passes it on to unassigned production; with no order in context, straight to unassigned
 *   production under `hold:<eventId>`, so a repeat is the same row.
 * @throws ZodError when the row's `counter` or `shift` is not what the engine writes (nothing is written then).
 */
export function placeAcceptedHold(r: CounterHoldRow, quantity = r.delta): AcceptedHoldWrites {
  // Narrowed before anything is written: a value the code does not know fails the decision, inside its transaction.
  const counter = CounterKind.parse(r.counter);
  const shift = r.shift === null ? null : ShiftInput.parse(r.shift);
  const machine: MachineCountItem | null = shift && {
    site: r.siteCode, line: r.lineCode, machine: r.machineCode, shiftDate: shift.date, shiftCode: shift.shiftCode, counter, delta: quantity, events: 1,
  };
  const outbox: OutboxWrite[] = [];
  if (shift) {
    // A machine in series reaches its shift as its own pieces (its OEE), never the line's tally, as the bridge routes it.
    const mark = r.countingPoint ? {} : { countingPoint: false as const };
    const delta: ShiftDelta = {
      machines: [{ machine: r.machineCode, good: 0, scrap: 0, total: 0, [counter]: quantity, events: 1, ...mark }], states: [], alarmsRaised: 0, duplicatesDropped: 0,
    };
    outbox.push({ workflowId: shiftWorkflowId(shift.site, shift.line, shift.date, shift.shiftCode), target: { kind: 'shift', shift }, delta });
  }
  if (!r.countingPoint || counter === 'total') return { outbox, unassigned: null, machine, countedTo: 'machine' };
  const sourceTime = r.sourceTime.toISOString();
  const good = counter === 'good' ? quantity : 0;
  const scrap = counter === 'scrap' ? quantity : 0;
  if (r.workflowId) {
    const delta: OrderDelta = { machines: [{ machine: r.machineCode, good, scrap, events: 1, lastSourceTime: sourceTime }], duplicatesDropped: 0 };
    outbox.push({ workflowId: r.workflowId, target: { kind: 'work-order', site: r.siteCode, line: r.lineCode }, delta });
    return { outbox, unassigned: null, machine, countedTo: r.workflowId };
  }
  const unassigned: UnassignedItem = {
    site: r.siteCode, line: r.lineCode, reason: 'no-active-order',
    count: { eventId: `hold:${r.eventId}`, machine: r.machineCode, sourceTime, good, scrap },
  };
  return { outbox, unassigned, machine, countedTo: 'unassigned' };
}

/**
 * A person's decision on a hold: accept (with an optional note and an optional corrected quantity, 0..delta pieces)
 * or reject (with a reason), and who decided.
 */
export type HoldDecision = { decision: 'accept'; note?: string; quantity?: number; by: string } | { decision: 'reject'; reason: string; by: string };

export type DecideOutcome =
  | { outcome: 'decided'; hold: CounterHoldView }
  | { outcome: 'not-found' }
  /** A corrected quantity above the hold's delta (nothing written): the field and why. */
  | { outcome: 'invalid'; field: string; message: string }
  | { outcome: 'already-decided'; status: CounterHoldStatus; decidedBy: string | null; decidedAt: string | null };

/**
 * Decides a held hold in one transaction: the row is locked, so of two concurrent decisions (a double click, a retry
 * after a lost reply) the second waits and then finds it decided. An acceptance writes its delta (placeAcceptedHold)
 * in the same transaction as the status change, so the delta exists exactly when the hold says accepted.
 * @returns the decided hold; `not-found`; `already-decided` with the status it has; or `invalid` for a corrected
 *   quantity above the delta or the hold's largest explanation (nothing written for either).
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
    let acceptedQuantity: number | null = null;
    if (d.decision === 'accept') {
      // More than the readings mean would be pieces no reading shows; the bound needs the row, so it is checked here.
      const most = mostExplained(holdView(row));
      if (d.quantity !== undefined && d.quantity > most)
        return { outcome: 'invalid' as const, field: 'quantity', message: `at most the hold's delta or its largest explanation, ${most} pieces (got ${d.quantity})` };
      acceptedQuantity = d.quantity ?? row.delta;
      const w = placeAcceptedHold(row, acceptedQuantity);
      await appendOutbox(c, w.outbox);
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
        acceptedQuantity,
        countedTo,
      })
      .where(eq(counterHolds.eventId, eventId))
      .returning();
    return { outcome: 'decided' as const, hold: holdView(decided!) };
  });
}
