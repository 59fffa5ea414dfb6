import type { CounterSemantics } from '../../contracts/messages/edge-config.js';
import type { CounterHoldReason } from '../../contracts/messages/machine-event.js';

/**
 * Turns absolute PLC counter readings into pieces, refusing what a machine cannot have made.
 *
 * Rules (issue 11):
 * - Allowance: pieces must fit `factor * elapsed / idealCycleTime + slackPieces`. A bounded credit from the server's
 *   timestamps covers readings the gateway took late (`SERVER_LAG_CREDIT_MS`).
 * - An increase (or a glitch's recovery) counts if it fits, else it is held (`implausible_rate`); elapsed runs from
 *   the previous reading, since a machine makes pieces its counter shows only later (a mould's cavities at once).
 * - A drop's explanations (a rollover's pieces, a reset's) are judged from the last EVIDENCE of the pre-drop value,
 *   not from when it was read: while the subscription is live, a silent counter did not move, so a reading's
 *   `from` (set by the pipeline) is about one sampling and publishing interval before it; after a gap (gateway
 *   down, subscription dead, session lost, bad readings) `from` is the gap's start. Without `from` (no liveness
 *   known, or the first reading after a restart) elapsed runs from the previous reading. When the counter stands
 *   below its reset value (a signed counter past its wrap), a rise may also be a reset: weighed as a drop.
 * - A decrease is never decided on one sample: the pre-drop reading stays the baseline while lower readings come.
 *   A reading back at or above it is a glitch (`next - preDrop` pieces). Once `dropConfirmMs` passed since the drop
 *   (checked on `tick`), the drop is decided with the newest low reading: each explanation the configuration allows
 *   (a rollover where the counter wraps, a reset where it can be reset) whose pieces fit the allowance is a
 *   candidate; exactly one counts; two with different pieces are a hold `unexplained_drop` (a person decides, the
 *   delta being the smaller); none is a hold (`unexplained_drop`, or `implausible_rate` when only the pieces'
 *   number fails).
 * - After a drop was decided, its pre-drop reading stays a glitch candidate until the counter counts a piece from
 *   the low value or `GLITCH_MEMORY_DROPS` confirmation times pass: a reading back at or above it meanwhile is the
 *   end of a long glitch and counts against the pre-drop value.
 * After every decision, counted or held, the baseline is the newest reading, so later readings count normally.
 */

/** One usable counter reading: `raw` already an integer in the counter's range. */
export interface CounterSample {
  raw: number;
  /** Gateway monotonic clock (ms): what elapsed time is measured on. */
  at: number;
  /** The PLC's source time (ms since epoch), kept for the hold's readings. */
  sourceTime: number;
  /** The OPC UA server's timestamp (ms), when it sent one: see `SERVER_LAG_CREDIT_MS`. */
  serverTime?: number;
  /**
   * Gateway-clock time (ms) until which the previous value is known to have stood (see the rules above); absent,
   * the previous reading's time.
   */
  from?: number;
}

/**
 * A gateway whose event loop is backlogged (CPU starved, a burst of first values) takes two readings the server
 * sampled 500 ms apart a few ms apart: gateway-clock elapsed time shrinks and honest pieces would look implausible.
 * The server's own timestamps show the real spacing (the clock offset cancels in a difference), so up to this much
 * of the server's elapsed time beyond the gateway's is credited. Bounded, so a server clock that jumps can widen a
 * limit by at most this long's worth of pieces.
 */
export const SERVER_LAG_CREDIT_MS = 5_000;

/** How many confirmation times (`dropConfirmMs`) a decided drop's pre-drop reading stays a glitch candidate. */
export const GLITCH_MEMORY_DROPS = 10;

/**
 * Elapsed time a reading's pieces may have taken: from the previous reading (plus the bounded credit from the
 * server's timestamps), but never from before the last evidence of the previous value (`cur.from`).
 */
export function elapsedBetween(pre: CounterSample, cur: CounterSample, evidence = true): number {
  const gateway = cur.at - pre.at;
  const credited =
    pre.serverTime === undefined || cur.serverTime === undefined
      ? gateway
      : gateway + Math.min(SERVER_LAG_CREDIT_MS, Math.max(0, cur.serverTime - pre.serverTime - gateway));
  return !evidence || cur.from === undefined || cur.from <= pre.at ? credited : Math.min(credited, cur.at - cur.from);
}

export type CounterStep = 'increase' | 'glitch' | 'rollover' | 'reset';

export type CounterVerdict =
  | { type: 'count'; step: CounterStep; delta: number; raw: number; sourceTime: number }
  | { type: 'hold'; reason: CounterHoldReason; delta: number; limit?: number; elapsedMs: number; raw: number; readings: CounterSample[] }
  | undefined;

/**
 * The most pieces a machine of `idealCycleTimeS` (s per piece) can make in `elapsedMs`, with the tag's margin.
 * A negative elapsed (a wall clock stepped back between a journal commit and a restart) counts as 0.
 */
export const plausibleLimit = (elapsedMs: number, idealCycleTimeS: number, s: Pick<CounterSemantics, 'factor' | 'slackPieces'>): number =>
  Math.floor((s.factor * Math.max(0, elapsedMs)) / (idealCycleTimeS * 1_000)) + s.slackPieces;

/** A drop waiting for its decision: the first low reading (its time starts the confirmation) and the newest. */
interface Suspect {
  first: CounterSample;
  last: CounterSample;
}

/** One counter tag's decision state: the last counted reading and, while a drop is undecided, the drop. */
export class CounterTracker {
  private baseline: CounterSample | undefined;
  private suspect: Suspect | undefined;
  /** A decided drop's pre-drop reading, still a glitch candidate (see the rules above), and until when. */
  private preDrop: { sample: CounterSample; until: number } | undefined;

  /**
   * `committed`: the raw the journal last committed for this tag, and when (on the gateway clock, so elapsed since
   * a commit before a restart is known) and on the wall clock (the hold's record of that reading); the first reading
   * is then judged against it instead of becoming a baseline.
   */
  constructor(
    private readonly s: CounterSemantics,
    private readonly idealCycleTimeS: number,
    committed?: { raw: number; at: number; wallMs: number },
  ) {
    if (committed) this.baseline = { raw: committed.raw, at: committed.at, sourceTime: committed.wallMs };
  }

  /** Gateway-clock time of the last counted (or held) reading: when the raw a commit carries was read. */
  get baselineAt(): number | undefined {
    return this.baseline?.at;
  }

  /** Whether a drop waits for its decision (the caller ticks the tracker until it is decided). */
  get suspectSince(): number | undefined {
    return this.suspect?.first.at;
  }

  offer(r: CounterSample): CounterVerdict {
    const base = this.baseline;
    if (!base) {
      this.baseline = r;
      return undefined;
    }
    if (this.suspect) {
      const { first, last } = this.suspect;
      if (r.raw >= base.raw) return this.glitch(base, r, first === last ? [first, r] : [first, last, r]);
      this.suspect.last = r;
      return this.tick(r.at);
    }
    const pd = this.preDrop && r.at <= this.preDrop.until && r.raw >= this.preDrop.sample.raw ? this.preDrop : undefined;
    if (pd) return this.glitch(pd.sample, r, [base, r]);
    if (r.raw === base.raw) return undefined;
    this.preDrop = undefined;
    if (r.raw > base.raw) {
      if (this.s.reset !== false && base.raw < this.s.reset) return this.decide(base, r, [r]);
      return this.judge(base, r, r.raw - base.raw, 'increase', [r]);
    }
    this.suspect = { first: r, last: r };
    if (this.s.dropConfirmMs === 0) return this.tick(r.at);
    return undefined;
  }

  /** Decides a suspect drop once `dropConfirmMs` passed since it: its newest low reading is then the truth. */
  tick(now: number): CounterVerdict {
    const drop = this.suspect;
    if (!drop || now - drop.first.at < this.s.dropConfirmMs) return undefined;
    this.suspect = undefined;
    const pre = this.baseline!;
    // The low value's evidence starts at the drop: the pre-drop value stood until the drop's `from`.
    const last = { ...drop.last, from: drop.first.from };
    const v = this.decide(pre, last, drop.first === drop.last ? [drop.first] : [drop.first, drop.last]);
    if (v?.type === 'count' && v.delta === 0) this.preDrop = { sample: pre, until: drop.first.at + GLITCH_MEMORY_DROPS * this.s.dropConfirmMs };
    return v;
  }

  private glitch(pre: CounterSample, cur: CounterSample, after: CounterSample[]): CounterVerdict {
    this.suspect = undefined;
    this.preDrop = undefined;
    return this.judge(pre, cur, cur.raw - pre.raw, 'glitch', after);
  }

  /** Weighs every explanation of `cur` after `pre` the configuration allows (see the rules above). */
  private decide(pre: CounterSample, cur: CounterSample, after: CounterSample[]): CounterVerdict {
    const { range, wraps, reset } = this.s;
    const elapsed = elapsedBetween(pre, cur);
    const limit = plausibleLimit(elapsed, this.idealCycleTimeS, this.s);
    const options: Array<{ step: CounterStep; delta: number }> = [];
    if (cur.raw > pre.raw) options.push({ step: 'increase', delta: cur.raw - pre.raw });
    else if (wraps) options.push({ step: 'rollover', delta: range.max - pre.raw + (cur.raw - range.min) + 1 });
    if (reset !== false && cur.raw >= reset) options.push({ step: 'reset', delta: cur.raw - reset });
    const fit = options.filter((o) => o.delta <= limit);
    const spread = fit.length > 1 ? Math.max(...fit.map((o) => o.delta)) - Math.min(...fit.map((o) => o.delta)) : 0;
    // Two explanations whose pieces differ by no more than the tag's slack: the first (an increase or a rollover)
    // counts, the error being within the stated tolerance (a counter wrapping at its top, where a reset would give
    // a few pieces fewer). Further apart, the gateway cannot know: a person decides.
    if (fit.length > 0 && spread <= this.s.slackPieces) return this.count(cur, fit[0]!.step, fit[0]!.delta);
    if (fit.length > 1) return this.hold(pre, cur, 'unexplained_drop', Math.min(...fit.map((o) => o.delta)), after, elapsed, limit);
    // Nothing fits. An increase or a reset is a number of pieces too many for the time; a drop that only a rollover
    // could explain gives no number (`delta` is then the wrap's pieces, what a person would accept), nor does one
    // that nothing explains (0).
    const pieces = options.filter((o) => o.step !== 'rollover');
    if (pieces.length > 0) return this.hold(pre, cur, 'implausible_rate', Math.min(...pieces.map((o) => o.delta)), after, elapsed, limit);
    const wrap = options.find((o) => o.step === 'rollover');
    return this.hold(pre, cur, 'unexplained_drop', wrap?.delta ?? 0, after, elapsed, wrap ? limit : undefined);
  }

  /**
   * An increase or a glitch's recovery: pieces a machine makes while its counter shows nothing new (a mould's
   * cavities counted at the end of its cycle), so elapsed runs from the previous reading, not from the evidence.
   */
  private judge(pre: CounterSample, cur: CounterSample, delta: number, step: CounterStep, after: CounterSample[]): CounterVerdict {
    const elapsed = elapsedBetween(pre, cur, false);
    const limit = plausibleLimit(elapsed, this.idealCycleTimeS, this.s);
    if (delta > limit) return this.hold(pre, cur, 'implausible_rate', delta, after, elapsed, limit);
    return this.count(cur, step, delta);
  }

  private count(cur: CounterSample, step: CounterStep, delta: number): CounterVerdict {
    this.baseline = cur;
    return { type: 'count', step, delta, raw: cur.raw, sourceTime: cur.sourceTime };
  }

  private hold(pre: CounterSample, cur: CounterSample, reason: CounterHoldReason, delta: number, after: CounterSample[], elapsed: number, limit?: number): CounterVerdict {
    this.baseline = cur;
    return {
      type: 'hold',
      reason,
      delta,
      ...(limit !== undefined ? { limit } : {}),
      elapsedMs: Math.max(0, Math.round(elapsed)),
      raw: cur.raw,
      readings: [pre, ...after],
    };
  }
}

/** How close a REAL counter's value must be to an integer: PLC REAL arithmetic on whole pieces is exact below 2^24. */
const REAL_TOLERANCE = 1e-3;

/**
 * A counter reading's value as an integer in `range`, or why it is not one (the gateway drops it as bad_value).
 * The OPC UA layer has already turned Int64/UInt64 into numbers; a REAL (Float/Double) counter must be within
 * REAL_TOLERANCE of an integer, so a value like 12.5 is refused rather than rounded into a piece.
 */
export function parseCounterRaw(value: unknown, dataType: string, range: { min: number; max: number }): number | string {
  if (typeof value !== 'number' || Number.isNaN(value)) return `counter value ${String(value)} is not a number`;
  let raw = value;
  if (!Number.isInteger(raw)) {
    const whole = Math.round(raw);
    if (!Number.isFinite(raw) || Math.abs(raw - whole) > REAL_TOLERANCE) return `counter value ${String(value)} is not a whole number of pieces (${dataType})`;
    raw = whole;
  }
  if (raw < range.min || raw > range.max) return `counter value ${String(value)} is outside the counter's range ${range.min}..${range.max} (${dataType})`;
  return raw;
}
