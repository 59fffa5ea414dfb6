import { z } from 'zod';
import { ReasonCode } from './downtime-reasons.js';
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
  /** Stops per ERP report their reason asks for (contracts/messages/downtime-reasons.ts); absent before reasons existed. */
  byReport: z.partialRecord(z.enum(['malfunction', 'notification', 'activity-confirmation', 'none']), count).optional(),
});
export type ShiftDowntimeResult = z.infer<typeof ShiftDowntimeResult>;

/** A duration in seconds as a decimal string with at most 3 places (exact: it is whole milliseconds); may be negative. */
const seconds = z.string().regex(/^-?\d+(\.\d{1,3})?$/);

/** OEE of a machine or of the line (its counting points' sums), oee/figures.ts and oee/ratios.ts. */
export const OeeFigures = z.object({
  availability: z.number().nullable(),
  performance: z.number().nullable(),
  quality: z.number().nullable(),
  oee: z.number().nullable(),
  plannedProductionS: seconds,
  runS: seconds,
  good: count,
  scrap: count,
  held: count,
  /** The six big losses (Nakajima), and beside them idle stops, unobserved time and pieces held for quality; null: unknown. */
  lossesS: z.object({
    breakdowns: seconds,
    setupAdjustments: seconds,
    smallStops: seconds,
    reducedSpeed: seconds.nullable(),
    startupRejects: seconds.nullable(),
    productionRejects: seconds.nullable(),
    idle: seconds,
    unobserved: seconds,
    heldForQuality: seconds.nullable(),
  }),
});
export type OeeFigures = z.infer<typeof OeeFigures>;

const DowntimeTotal = z.object({ stops: count, ms: count, microStops: count, microMs: count });

/** A shift's OEE and downtime by reason, when its site has downtime master data (docs/downtime-oee.md). */
export const ShiftOee = z.object({
  line: OeeFigures.nullable(),
  machines: z.record(z.string(), OeeFigures),
  /** Milliseconds outside breaks and planned maintenance, per reason code and per cost center. */
  downtimeByReason: z.record(z.string(), DowntimeTotal),
  downtimeByCostCenter: z.record(z.string(), DowntimeTotal),
  problems: z.array(z.string()),
});
export type ShiftOee = z.infer<typeof ShiftOee>;

/**
 * An operator's reason for one stop of a shift (the `reclassifyStop` update): it overrides the alarm's and the state's
 * reason. `stopId` is the stop's id in the shift summary's stops (`<machine>@<ISO start>`); the latest for a stop wins.
 */
export const StopReclassification = z.object({
  stopId: z.string().regex(/^[a-z0-9-]{1,64}@\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'must be a stop id <machine>@<ISO start>, e.g. press-1@2026-03-02T07:00:00.000Z'),
  reason: ReasonCode,
  /** Who chose it (the API's authenticated user), for the audit. */
  by: z.string().min(1).max(64),
  at: z.iso.datetime({ offset: true }),
});
export type StopReclassification = z.infer<typeof StopReclassification>;

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
  /** Set in shifts started since downtime reasons existed, once the line's master data is loaded. */
  oee: ShiftOee.optional(),
});
export type ShiftSummary = z.infer<typeof ShiftSummary>;
