import { z } from 'zod';
import { CounterKind, MachineState } from './machine-event.js';

/**
 * What the edge gateway needs per machine, kept in the plant model under `machines[].opcua` (optional, so a plant
 * file without OPC UA settings stays valid for the engine). One endpoint per machine; machines sharing an endpoint
 * share one session.
 */

/**
 * OPC UA data types a PLC counter may have (Part 6, 5.1.2 built-in types), with the integer values each can hold
 * exactly. 64-bit and floating types are bounded by what a JavaScript number (a double) and the type itself hold
 * exactly: 2^53 - 1 for the 64-bit integers and Double, 2^24 - 1 for Float. A REAL counter at 2^24 (16,777,216) has
 * stopped counting (x + 1 rounds back to x), so that value is outside the range: refused as a bad value, loud,
 * rather than a counter silently stuck.
 */
export const COUNTER_RANGE = {
  UInt16: { min: 0, max: 0xffff },
  Int16: { min: -0x8000, max: 0x7fff },
  UInt32: { min: 0, max: 0xffffffff },
  Int32: { min: -0x80000000, max: 0x7fffffff },
  UInt64: { min: 0, max: Number.MAX_SAFE_INTEGER },
  Int64: { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
  Float: { min: -(2 ** 24 - 1), max: 2 ** 24 - 1 },
  Double: { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
} as const;
export const CounterDataType = z.enum(['UInt16', 'Int16', 'UInt32', 'Int32', 'UInt64', 'Int64', 'Float', 'Double']);
export type CounterDataType = z.infer<typeof CounterDataType>;

/** A counter's wrap range: after `max` comes `min` (both integers, inclusive). */
export interface CounterWrap {
  min: number;
  max: number;
}

/**
 * Where a counter wraps by default: 16- and 32-bit integers wrap at their type's end (an unsigned one from max to 0,
 * a signed INT/DINT from max to the negative min, two's complement as IEC 61131-3 CTU counters do in most PLCs).
 * 64-bit and REAL counters are taken as never wrapping: 2^53 pieces is never reached, and a REAL has no wrap.
 */
export const defaultCounterWrap = (t: CounterDataType): CounterWrap | false =>
  t === 'UInt16' || t === 'Int16' || t === 'UInt32' || t === 'Int32' ? { ...COUNTER_RANGE[t] } : false;

/** The values a counter can read: its wrap range when it wraps, else its data type's range. */
export const counterRange = (t: { dataType: CounterDataType; wrap?: CounterWrap | false }): CounterWrap => {
  const wrap = t.wrap ?? defaultCounterWrap(t.dataType);
  return wrap === false ? { ...COUNTER_RANGE[t.dataType] } : wrap;
};

const tagBase = {
  /** Our name for the tag; travels as `tag` in every event. */
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, 'must be 1-128 of A-Z, a-z, 0-9, _ . -'),
  /** OPC UA NodeId in its string form, e.g. `ns=2;s=Press1.Good` or `ns=1;i=1001`. */
  nodeId: z.string().regex(/^(ns=\d+;)?[isgb]=.+$/, 'must be an OPC UA NodeId like ns=2;s=Machine.Tag'),
  /** Requested sampling interval; the server may revise it. */
  samplingMs: z.number().int().min(0).max(60_000).default(100),
};

export const CounterTag = z
  .object({
    ...tagBase,
    kind: z.literal('counter'),
    counter: CounterKind,
    dataType: CounterDataType.default('UInt32'),
    /** Deltas are summed over this window into one event (the edge's main aggregation). */
    windowMs: z.number().int().min(0).max(60_000).default(1_000),
    /**
     * The range the counter wraps in: after `max` comes `min` (e.g. `{ min: 0, max: 9999 }` for a 4-digit counter).
     * `false`: it never wraps, so a drop is a reset or unexplained. Absent: from the data type (`defaultCounterWrap`).
     */
    wrap: z.union([z.literal(false), z.object({ min: z.number().int(), max: z.number().int() })]).optional(),
    /**
     * What a reset sets the counter to (an operator's or a PLC restart's), or `false` when it cannot be reset.
     * Absent: 0. This and the fields below stay optional in the parsed tag (defaults in `counterSemantics`), so tags
     * built in code need not spell them out.
     */
    reset: z.union([z.literal(false), z.number().int()]).optional(),
    /**
     * A delta counts only when at most `factor` x (elapsed s / the machine's idealCycleTimeS) + `slackPieces`: the
     * factor covers a machine running above its rated speed, the slack the jitter of sampling and publishing (two
     * changes can reach the gateway a few ms apart).
     */
    plausibility: z
      .object({ factor: z.number().min(1).max(100).default(1.5), slackPieces: z.number().int().min(0).max(10_000).default(5) })
      .optional(),
    /**
     * How long (ms, gateway clock) a drop stays undecided: readings back at or above the pre-drop value meanwhile
     * are a glitch; then the drop is decided with its newest low reading. Must be above `samplingMs` (a one-sample
     * glitch lasts one sampling interval). Absent: `defaultDropConfirmMs(samplingMs)`.
     */
    dropConfirmMs: z.number().int().min(1).max(600_000).optional(),
    /**
     * How many seconds' worth of pieces a live counter may show at once (a multi-cavity shot, a driver that delivers
     * in steps): the cap of its plausibility budget while its readings are evidence. Absent: `defaultBurstMs`.
     */
    burstS: z.number().min(1).max(3_600).optional(),
  })
  .superRefine((t, ctx) => {
    const type = COUNTER_RANGE[t.dataType];
    if (t.wrap) {
      if (t.wrap.max <= t.wrap.min) ctx.addIssue({ code: 'custom', path: ['wrap', 'max'], message: 'must be above wrap.min' });
      if (t.wrap.min < type.min || t.wrap.max > type.max)
        ctx.addIssue({ code: 'custom', path: ['wrap'], message: `must lie within ${t.dataType}'s range ${type.min}..${type.max}` });
    }
    const range = counterRange(t);
    if (t.reset !== undefined && t.reset !== false && (t.reset < range.min || t.reset > range.max))
      ctx.addIssue({ code: 'custom', path: ['reset'], message: `must lie within the counter's range ${range.min}..${range.max}` });
    if (t.dropConfirmMs !== undefined && t.dropConfirmMs <= t.samplingMs)
      ctx.addIssue({
        code: 'custom',
        path: ['dropConfirmMs'],
        message: `must be above samplingMs (${t.samplingMs}): a one-sample glitch lasts a sampling interval and would be decided as a drop`,
      });
  });

/**
 * A drop's confirmation time when the tag sets none (ms): 2 s, or three sampling intervals when that is longer,
 * so a glitch of up to two samples is never decided as a drop.
 */
export const defaultDropConfirmMs = (samplingMs: number): number => Math.max(2_000, 3 * samplingMs);

/** A counter's burst window when the tag sets none (ms): 30 s, or three sampling intervals when that is longer. */
export const defaultBurstMs = (samplingMs: number): number => Math.max(30_000, 3 * samplingMs);

/**
 * What a reset sets the counter to when the tag does not say: 0, or the range's min when 0 is outside it (a
 * counter wrapping in 1..9999 restarts at 1; a reset to 1 counted from 0 would be a phantom piece).
 */
export const defaultCounterReset = (range: CounterWrap): number => (range.min <= 0 && range.max >= 0 ? 0 : range.min);

/** A counter tag's semantics with every default resolved: what the edge's counter logic works with. */
export interface CounterSemantics {
  /** Readings outside this are bad values; a wrap goes from max to min. */
  range: CounterWrap;
  wraps: boolean;
  reset: number | false;
  factor: number;
  slackPieces: number;
  dropConfirmMs: number;
  /** The plausibility budget's cap while evidenced, as time at the machine's rate (ms): see `burstS`. */
  burstMs: number;
}

export const counterSemantics = (
  t: Pick<CounterTag, 'dataType' | 'wrap' | 'reset' | 'plausibility' | 'dropConfirmMs'> & { samplingMs?: number; burstS?: number },
): CounterSemantics => {
  const range = counterRange(t);
  return {
    range,
    wraps: (t.wrap ?? defaultCounterWrap(t.dataType)) !== false,
    reset: t.reset ?? defaultCounterReset(range),
    factor: t.plausibility?.factor ?? 1.5,
    slackPieces: t.plausibility?.slackPieces ?? 5,
    dropConfirmMs: t.dropConfirmMs ?? defaultDropConfirmMs(t.samplingMs ?? 0),
    burstMs: t.burstS !== undefined ? t.burstS * 1_000 : defaultBurstMs(t.samplingMs ?? 0),
  };
};

/**
 * The longest event id a tag's events can have beyond `<machine>:<tag>` (tag-pipeline.ts): a hold's
 * `:hold:<13-digit source ms>:<raw>`, the raw as long as -9007199254740991 (17 characters).
 */
export const EVENT_ID_SUFFIX_MAX = ':hold:'.length + 13 + 1 + 17;

export const StateTag = z.object({
  ...tagBase,
  kind: z.literal('state'),
  /** Raw PLC value (as a string: `"1"`, `"true"`, `"RUN"`) to machine state; unmapped values become `unknown`. */
  map: z.record(z.string(), MachineState).default({}),
  /**
   * True: the tag is a PackML `StateCurrent` (ISA-TR88.00.02 state numbers 0-17), and its map is contracts/packml.ts's defaults,
   * under the site's `downtime[].packml`, under this tag's own `map` (edge/plant.ts).
   */
  packml: z.boolean().optional(),
  /** A new state must hold this long before it is published, so a flapping bit is one change. */
  debounceMs: z.number().int().min(0).max(600_000).default(500),
});

export const AnalogTag = z.object({
  ...tagBase,
  kind: z.literal('analog'),
  unit: z.string().max(16).default(''),
  deadband: z
    .object({ type: z.enum(['absolute', 'percent']), value: z.number().nonnegative() })
    .default({ type: 'absolute', value: 0 }),
  /** Ask the server to apply the deadband (DataChangeFilter); the client filters again in any case. */
  serverDeadband: z.boolean().default(true),
  /** Percent deadband needs the variable's range (its EURange): the client filter computes the band from it. */
  range: z.object({ low: z.number(), high: z.number() }).optional(),
  /** At most one event per this interval; the latest value waits and goes out when it ends. */
  minIntervalMs: z.number().int().min(0).max(3_600_000).default(0),
});

export const AlarmTag = z.object({
  ...tagBase,
  kind: z.literal('alarm'),
  /** The alarm code published with raise and clear; the node is the boolean active flag. */
  code: z.string().min(1).max(64),
  text: z.string().max(200).optional(),
});

export const EdgeTag = z.discriminatedUnion('kind', [CounterTag, StateTag, AnalogTag, AlarmTag]);
export type EdgeTag = z.infer<typeof EdgeTag>;
export type CounterTag = z.infer<typeof CounterTag>;
export type StateTag = z.infer<typeof StateTag>;
export type AnalogTag = z.infer<typeof AnalogTag>;
export type AlarmTag = z.infer<typeof AlarmTag>;

export const SecurityMode = z.enum(['None', 'Sign', 'SignAndEncrypt']);
export const SecurityPolicy = z.enum(['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss']);

export const MachineOpcua = z
  .object({
    endpoint: z.string().regex(/^opc\.tcp:\/\/[^\s/]+(:\d+)?(\/.*)?$/, 'must be an opc.tcp:// URL'),
    securityMode: SecurityMode.default('None'),
    securityPolicy: SecurityPolicy.default('None'),
    /**
     * A reference, never the secret: the gateway reads `<ref>_USER` and `<ref>_PASSWORD` from its environment.
     * Absent means anonymous.
     */
    credentialsRef: z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'must be an env var prefix like PRESS1_OPCUA').optional(),
    tags: z.array(EdgeTag).min(1),
    /**
     * Warn in the log when this endpoint's PLC clock is off the OPC UA server's by more than this (ms; default
     * 60,000). Only a warning: the gateway's timers never use the PLC clock. The first machine of an endpoint sets it.
     */
    clockSkewWarnMs: z.number().int().positive().optional(),
  })
  .superRefine((m, ctx) => {
    if ((m.securityMode === 'None') !== (m.securityPolicy === 'None'))
      ctx.addIssue({ code: 'custom', path: ['securityPolicy'], message: `securityMode ${m.securityMode} needs ${m.securityMode === 'None' ? 'securityPolicy None' : 'a securityPolicy other than None'}` });
    const seen = new Set<string>();
    m.tags.forEach((t, i) => {
      if (seen.has(t.name)) ctx.addIssue({ code: 'custom', path: ['tags', i, 'name'], message: `duplicate tag name ${t.name}` });
      seen.add(t.name);
      if (t.kind === 'analog' && t.deadband.type === 'percent' && !t.range)
        ctx.addIssue({ code: 'custom', path: ['tags', i, 'range'], message: 'percent deadband needs range (the EURange low/high)' });
      if (t.kind === 'analog' && t.range && t.range.high <= t.range.low)
        ctx.addIssue({ code: 'custom', path: ['tags', i, 'range', 'high'], message: 'must be above range.low' });
    });
  });
export type MachineOpcua = z.infer<typeof MachineOpcua>;
