import { z } from 'zod';
import { MachineState } from './machine-event.js';

// The shift workflow takes the bridge's summed deltas (`machineDeltas`, ./outbox-delta.ts); its older events signal
// (`machineEvents`, a `MachineEventBatch` of one line and shift) stays for recorded histories.

/** Input of a shift workflow; the bridge builds it from the shift calendar when it signal-with-starts the shift. */
export const ShiftInput = z.object({
  site: z.string(),
  line: z.string(),
  /** Local date the shift starts on, YYYY-MM-DD. */
  date: z.string(),
  shiftCode: z.string(),
  /** ISO instants, from the shift calendar. */
  startsAt: z.string(),
  endsAt: z.string(),
  /** The crew working the shift, when the line's calendar has a rotation (absent in histories from before). */
  crew: z.string().optional(),
});
export type ShiftInput = z.infer<typeof ShiftInput>;

const count = z.number().int().nonnegative();

/**
 * What a shift hands the next one at its end (workflows/shift-handover.ts): each machine's state at the boundary and
 * since when it holds, so a stop running across the boundary is downtime of the next shift from its first minute,
 * not from that machine's next event. `at` and `since` are ISO instants.
 */
export const ShiftHandover = z.object({
  /** The handing shift's workflow id. */
  from: z.string(),
  at: z.string(),
  states: z.array(z.object({ machine: z.string(), state: MachineState, since: z.string() })),
});
export type ShiftHandover = z.infer<typeof ShiftHandover>;

/** The shift's tallies: what a summary reports and what continue-as-new carries. */
export const ShiftTallies = z.object({
  good: count,
  scrap: count,
  total: count,
  alarmsRaised: count,
  eventsApplied: count,
  duplicatesDropped: count,
});
export type ShiftTallies = z.infer<typeof ShiftTallies>;

/** The shift's downtime records as posted at its close. */
export const ShiftDowntimeResult = z.object({
  /** Non-running stretches found (one record each). */
  records: count,
  posted: count,
  /** Decimal minutes, as the ERP takes them. */
  totalMinutes: z.string(),
  /** Why nothing or not everything was posted: an unknown line, or the ERP's words for a refused record. */
  problems: z.array(z.string()),
});
export type ShiftDowntimeResult = z.infer<typeof ShiftDowntimeResult>;

/** What a shift reports: the answer of its `shiftStatus` query, its result, and the API's `GET /lines/:site/:line`. */
export const ShiftSummary = ShiftTallies.extend({
  shift: ShiftInput,
  /** Milliseconds each state lasted, summed over machines, from the shift start up to `asOf`. */
  stateMs: z.partialRecord(MachineState, z.number()),
  /** Running time over observed machine time; null before any state is known. */
  availability: z.number().nullable(),
  /** Good over good + scrap; null before any piece. */
  quality: z.number().nullable(),
  asOf: z.string(),
  /** Set when the shift has closed: what it posted to the ERP as downtime. */
  downtime: ShiftDowntimeResult.optional(),
});
export type ShiftSummary = z.infer<typeof ShiftSummary>;
