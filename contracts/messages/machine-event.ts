import { z } from 'zod';
import { Token } from '../tokens.js';

/** The longest event id the contract accepts (characters). */
export const EVENT_ID_MAX = 200;

/** PostgreSQL text and jsonb cannot hold U+0000; the strings the bridge stores (event ids, tags) are refused here instead. */
const storable = (max: number) =>
  z.string().min(1).max(max).refine((v) => !v.includes('\u0000'), 'must not contain U+0000 (PostgreSQL cannot store it)');

/**
 * A machine event as the edge gateway publishes it and the signal bridge consumes it. `eventId` is deterministic at
 * the source (`<machine>:<tag>:<sourceTimeMs>`, or the window end for aggregated counter deltas), so a republish is
 * dropped by JetStream (msgID) and by the signal bridge's seen-id table (bridge/seen-retention.ts) alike.
 */
const base = {
  v: z.literal(1),
  eventId: storable(EVENT_ID_MAX),
  site: Token,
  line: Token,
  machine: Token,
  tag: storable(128),
  sourceTime: z.iso.datetime({ offset: true }),
  serverTime: z.iso.datetime({ offset: true }).optional(),
  /** OPC UA status: bad values never travel as data; uncertain ones are flagged so consumers may decide. */
  quality: z.enum(['good', 'uncertain']).default('good'),
};

/**
 * A count of pieces or milliseconds as the engine stores it: a whole number JSON and JavaScript carry exactly (at
 * most 2^53 - 1), so every value accepted here fits the PostgreSQL `bigint` columns it lands in (counter_holds,
 * unassigned_production, machine_counts, work_orders). A counter delta or an idle time past int4 is real (a UInt32
 * read of 0xFFFFFFFF, a machine idle for 25 days), so the bound is the exact-integer limit, not int4's.
 */
export const WholeCount = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const MachineState = z.enum(['running', 'idle', 'stopped', 'setup', 'fault', 'unknown']);
export type MachineState = z.infer<typeof MachineState>;

/** Which count a counter tag carries: good pieces, scrap pieces, or all pieces made. */
export const CounterKind = z.enum(['good', 'scrap', 'total']);
export type CounterKind = z.infer<typeof CounterKind>;

export const CounterEvent = z.object({
  ...base,
  kind: z.literal('counter'),
  counter: CounterKind,
  /** Pieces since the previous event of this tag, after resets, restarts and rollover are resolved at the edge. */
  delta: WholeCount,
  /** The absolute counter value read at sourceTime, for audit: negative for a signed counter, fractional for a REAL. */
  raw: z.number(),
});

/**
 * Why the edge held a counter's readings instead of counting them (edge/filters/counter-*.ts):
 * - `implausible_rate`: more pieces than the machine can have made (the edge's plausibility budget: its ideal cycle
 *   time in the plant file, with the tag's margin, over the time the counter was seen or unseen);
 * - `unexplained_drop`: the counter fell where its plant-file semantics allow neither a rollover nor a reset, or the
 *   readings fit several explanations with different pieces (`explanations`).
 */
export const CounterHoldReason = z.enum(['implausible_rate', 'unexplained_drop']);
export type CounterHoldReason = z.infer<typeof CounterHoldReason>;

/**
 * One way to read a counter's change (edge/filters/counter-delta.ts): a plain increase, the end of a glitch, a
 * rollover, a reset, or a person setting the counter (`correction`, no pieces).
 */
export const CounterExplanationKind = z.enum(['increase', 'glitch', 'rollover', 'reset', 'correction']);
export type CounterExplanationKind = z.infer<typeof CounterExplanationKind>;
export const CounterExplanation = z.object({ kind: CounterExplanationKind, pieces: WholeCount });
export type CounterExplanation = z.infer<typeof CounterExplanation>;

/** One raw counter reading as the PLC gave it, kept with a hold so a person sees what the machine said. */
export const CounterReadingRecord = z.object({
  raw: z.number(),
  sourceTime: z.iso.datetime({ offset: true }),
});

/**
 * Counter readings the edge refused to count: never production until a person accepts them through the API
 * (`POST /production/holds/<eventId>/accept`). The counter's baseline moves on to `raw`, so the readings
 * after the hold count normally. Published on `mes.<site>.<line>.<machine>.hold`.
 */
export const CounterHoldEvent = z.object({
  ...base,
  kind: z.literal('hold'),
  counter: CounterKind,
  reason: CounterHoldReason,
  /** Pieces the readings would mean if taken as production. */
  delta: WholeCount,
  /** The most pieces the edge's plausibility budget allowed (slack included); absent for a drop nothing explains. */
  limit: WholeCount.optional(),
  /** Gateway-clock time between the last counted reading and this one (ms). */
  elapsedMs: WholeCount,
  /** The counter's raw value after the hold: the new baseline. */
  raw: z.number(),
  /** The readings that make the hold, oldest first: the last counted one, then what followed. */
  readings: z.array(CounterReadingRecord).min(1).max(20),
  /**
   * What the readings could mean, for the person who decides: the explanations the gateway could not choose between
   * (several fit the time) or, when none fits, every one it weighed. Absent on holds from older gateways.
   */
  explanations: z.array(CounterExplanation).min(1).max(8).optional(),
});
export type CounterHoldEvent = z.infer<typeof CounterHoldEvent>;

export const StateEvent = z.object({
  ...base,
  kind: z.literal('state'),
  state: MachineState,
  previous: MachineState.nullable(),
});

export const AnalogEvent = z.object({ ...base, kind: z.literal('analog'), value: z.number(), unit: z.string().max(16) });

export const AlarmEvent = z.object({
  ...base,
  kind: z.literal('alarm'),
  code: z.string().min(1).max(64),
  active: z.boolean(),
  text: z.string().max(200).optional(),
});

export const MachineEvent = z.discriminatedUnion('kind', [CounterEvent, StateEvent, AnalogEvent, AlarmEvent, CounterHoldEvent]);
export type MachineEvent = z.infer<typeof MachineEvent>;
export type MachineEventKind = MachineEvent['kind'];

export const machineEventSubject = (e: Pick<MachineEvent, 'site' | 'line' | 'machine' | 'kind'>): string =>
  `mes.${e.site}.${e.line}.${e.machine}.${e.kind}`;

/**
 * A batch of machine events: the edge publishes batches to JetStream (JetStream persisted ~20,000 single-event
 * publishes a second here). It was also the shift workflow's `machineEvents` signal, which recorded histories still
 * carry; the bridge now sends the shift summed deltas instead (`machineDeltas`, ./outbox-delta.ts).
 */
export const MachineEventBatch = z.object({ v: z.literal(1), events: z.array(MachineEvent).min(1).max(500) });
export type MachineEventBatch = z.infer<typeof MachineEventBatch>;

/**
 * The wire message on `mes.<site>.<line>.<machine>.<kind>`: a machine-event batch whose events all belong to that
 * subject (one machine and kind). Its JetStream msgID is `<site>.<line>.<first eventId>+<count>`; consumers dedupe
 * per event id in any case.
 */
export const MachineEventMessage = MachineEventBatch.superRefine((b, ctx) => {
  const first = b.events[0]!;
  b.events.forEach((e, i) => {
    if (machineEventSubject(e) !== machineEventSubject(first))
      ctx.addIssue({ code: 'custom', path: ['events', i], message: `belongs to ${machineEventSubject(e)}, the batch to ${machineEventSubject(first)}` });
  });
});

/** JetStream dedupes msgIDs across the whole stream: the site and line make two plants' same machine code distinct. */
export const batchMsgId = (b: MachineEventBatch): string => {
  const first = b.events[0]!;
  return `${first.site}.${first.line}.${first.eventId}+${b.events.length}`;
};
