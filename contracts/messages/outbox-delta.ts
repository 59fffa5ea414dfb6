import { z } from 'zod';
import { Measurement } from './inspection.js';
import { MachineState } from './machine-event.js';
import { ShiftInput } from './shift.js';

/**
 * What the signal bridge's outbox carries to a workflow instead of individual events (issue 17: events stay out of
 * workflow histories). The bridge deduplicates event ids in PostgreSQL and writes one row per round and workflow;
 * a relay sends a workflow's pending rows summed into one signal covering sequence numbers [fromSeq, toSeq], and
 * the workflow applies it only above its high-water mark for `source`.
 */
const count = z.number().int().nonnegative();
const seq = z.number().int().positive();

/** One machine's counted pieces toward a work order; `lastSourceTime` dates the row should it become unassigned. */
export const OrderMachineDelta = z.object({
  machine: z.string().min(1).max(64),
  good: count,
  scrap: count,
  /** Events these pieces came from (the order's `eventsApplied`). */
  events: count,
  lastSourceTime: z.iso.datetime({ offset: true }),
});
export type OrderMachineDelta = z.infer<typeof OrderMachineDelta>;

/**
 * A work order's delta: per machine, and the events the bridge dropped as already seen (the order's `duplicatesDropped`).
 * `measurements`: the line's analog values of the round, one by one in source-time order, for the order's inspection
 * characteristics (docs/quality.md); absent when the round had none (and in rows and histories from before them).
 */
export const OrderDelta = z.object({ machines: z.array(OrderMachineDelta), duplicatesDropped: count, measurements: z.array(Measurement).optional() });
export type OrderDelta = z.infer<typeof OrderDelta>;

/**
 * One machine's counters toward a shift; `events` counts every event of the machine (counters, states, alarms).
 * `countingPoint: false`: a machine whose pieces are not the line's output (plant file `countingPoints`), so they
 * feed its own OEE only, never the shift's produced count; absent (rows and histories from before): a counting point.
 */
export const ShiftMachineDelta = z.object({
  machine: z.string().min(1).max(64),
  good: count,
  scrap: count,
  total: count,
  events: count,
  countingPoint: z.literal(false).optional(),
});
export type ShiftMachineDelta = z.infer<typeof ShiftMachineDelta>;

/** A state change travels one by one: the shift's timelines need its time (few per machine per shift). */
export const ShiftStateChange = z.object({ machine: z.string().min(1).max(64), sourceTime: z.iso.datetime({ offset: true }), state: MachineState });
export type ShiftStateChange = z.infer<typeof ShiftStateChange>;

/** An alarm raised or cleared: the shift gives a stop the reason mapped to the alarm active at its start (oee/). */
export const ShiftAlarmChange = z.object({
  machine: z.string().min(1).max(64),
  sourceTime: z.iso.datetime({ offset: true }),
  code: z.string().min(1).max(64),
  active: z.boolean(),
});
export type ShiftAlarmChange = z.infer<typeof ShiftAlarmChange>;

export const ShiftDelta = z.object({
  machines: z.array(ShiftMachineDelta),
  states: z.array(ShiftStateChange),
  /** Absent when the round had no alarm (and in rows and histories from before alarms travelled). */
  alarms: z.array(ShiftAlarmChange).optional(),
  alarmsRaised: count,
  duplicatesDropped: count,
});
export type ShiftDelta = z.infer<typeof ShiftDelta>;

/** Which workflow an outbox row goes to and how to reach it: orders by plain signal, shifts by signal-with-start. */
export const OutboxTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('work-order'), site: z.string(), line: z.string() }),
  z.object({ kind: z.literal('shift'), shift: ShiftInput }),
]);
export type OutboxTarget = z.infer<typeof OutboxTarget>;

/** The only source today; a second one (another bridge fleet, a replay tool) gets its own name and high-water mark. */
export const OUTBOX_SOURCE = 'outbox';
const range = { v: z.literal(1), source: z.string().min(1), fromSeq: seq, toSeq: seq };

/** The work order's `productionDeltas` signal. */
export const ProductionDeltas = OrderDelta.extend(range);
export type ProductionDeltas = z.infer<typeof ProductionDeltas>;

/** The shift's `machineDeltas` signal. */
export const MachineDeltas = ShiftDelta.extend(range);
export type MachineDeltas = z.infer<typeof MachineDeltas>;
