import type { CounterSemantics } from '../../contracts/messages/edge-config.js';
import type { CounterHoldReason } from '../../contracts/messages/machine-event.js';

/**
 * Turns absolute PLC counter readings into pieces, refusing what a machine cannot have made.
 *
 * Rules (issue 11, items 1-4):
 * - An increase counts, if plausible.
 * - A decrease is never decided on one sample (a server's default 0 before real data, one bad read in fifty): it is
 *   held as suspect until the next reading, or until `dropConfirmMs` passes on the gateway clock without one. Back
 *   at or above the pre-drop value: a glitch, `next - preDrop` pieces. Otherwise a rollover where the counter wraps
 *   AND the wrap's pieces fit the elapsed time, else a reset where the counter can be reset (pieces counted from the
 *   reset value), else a hold `unexplained_drop`.
 * - Plausibility: any delta above `factor * elapsed / idealCycleTime + slackPieces` is held (`implausible_rate`),
 *   never counted. Elapsed runs on the gateway clock from the last counted reading (plus a bounded credit from the
 *   server's timestamps when the gateway took the readings late, `SERVER_LAG_CREDIT_MS`).
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
}

/**
 * A gateway whose event loop is backlogged (CPU starved, a burst of first values) takes two readings the server
 * sampled 500 ms apart a few ms apart: gateway-clock elapsed time shrinks and honest pieces would look implausible.
 * The server's own timestamps show the real spacing (the clock offset cancels in a difference), so up to this much
 * of the server's elapsed time beyond the gateway's is credited. Bounded, so a server clock that jumps can widen a
 * limit by at most this long's worth of pieces.
 */
export const SERVER_LAG_CREDIT_MS = 5_000;

/** Elapsed time between two readings: the gateway clock's, plus the bounded credit from the server's timestamps. */
export function elapsedBetween(pre: CounterSample, cur: CounterSample): number {
  const gateway = cur.at - pre.at;
  if (pre.serverTime === undefined || cur.serverTime === undefined) return gateway;
  return gateway + Math.min(SERVER_LAG_CREDIT_MS, Math.max(0, cur.serverTime - pre.serverTime - gateway));
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

/** One counter tag's decision state: the last counted reading and, while a drop is undecided, the drop. */
export class CounterTracker {
  private baseline: CounterSample | undefined;
  private suspect: CounterSample | undefined;

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
    return this.suspect?.at;
  }

  offer(r: CounterSample): CounterVerdict {
    const base = this.baseline;
    if (!base) {
      this.baseline = r;
      return undefined;
    }
    if (this.suspect) return this.decide(base, r, [this.suspect, r]);
    if (r.raw === base.raw) return undefined;
    if (r.raw > base.raw) return this.judge(base, r, r.raw - base.raw, 'increase', [r]);
    this.suspect = r;
    if (this.s.dropConfirmMs === 0) return this.decide(base, r, [r]);
    return undefined;
  }

  /** Decides a suspect drop once `dropConfirmMs` passed without a new reading: the drop itself is then the truth. */
  tick(now: number): CounterVerdict {
    const drop = this.suspect;
    if (!drop || now - drop.at < this.s.dropConfirmMs) return undefined;
    return this.decide(this.baseline!, drop, [drop]);
  }

  private decide(pre: CounterSample, cur: CounterSample, after: CounterSample[]): CounterVerdict {
    this.suspect = undefined;
    if (cur.raw >= pre.raw) return this.judge(pre, cur, cur.raw - pre.raw, 'glitch', after);
    const { range, wraps, reset } = this.s;
    const wrapDelta = range.max - pre.raw + (cur.raw - range.min) + 1;
    const limit = plausibleLimit(elapsedBetween(pre, cur), this.idealCycleTimeS, this.s);
    if (wraps && wrapDelta <= limit) return this.judge(pre, cur, wrapDelta, 'rollover', after);
    if (reset !== false && cur.raw >= reset) return this.judge(pre, cur, cur.raw - reset, 'reset', after);
    // Neither a wrap that fits the time nor a reset: no number of pieces follows from it. `delta` is the wrap's
    // pieces where the counter wraps (what a person would accept), else 0.
    return this.hold(pre, cur, 'unexplained_drop', wraps ? wrapDelta : 0, after, wraps ? limit : undefined);
  }

  private judge(pre: CounterSample, cur: CounterSample, delta: number, step: CounterStep, after: CounterSample[]): CounterVerdict {
    const limit = plausibleLimit(elapsedBetween(pre, cur), this.idealCycleTimeS, this.s);
    if (delta > limit) return this.hold(pre, cur, 'implausible_rate', delta, after, limit);
    this.baseline = cur;
    return { type: 'count', step, delta, raw: cur.raw, sourceTime: cur.sourceTime };
  }

  private hold(pre: CounterSample, cur: CounterSample, reason: CounterHoldReason, delta: number, after: CounterSample[], limit?: number): CounterVerdict {
    this.baseline = cur;
    return {
      type: 'hold',
      reason,
      delta,
      ...(limit !== undefined ? { limit } : {}),
      elapsedMs: Math.max(0, Math.round(elapsedBetween(pre, cur))),
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
