import type { CounterSemantics } from '../../contracts/messages/edge-config.js';
import type { CounterExplanationKind, CounterHoldReason } from '../../contracts/messages/machine-event.js';

/**
 * Turns absolute PLC counter readings into pieces, counting only a reading with one plausible explanation (issue 11).
 *
 * Budget: each counter has a plausibility budget, a token bucket on the gateway clock. It fills at `factor` pieces
 * per `idealCycleTimeS`; while the counter's readings are evidence (a live subscription: a silent counter did not
 * move) it holds at most `burstMs` worth (a multi-cavity shot, a driver delivering in steps); across a stretch
 * nobody could see the counter (subscription dead or stalled, session lost, gateway down since the journal commit,
 * bad readings: the reading's `from` onwards, set by the pipeline) it fills without cap, since pieces made unseen
 * are plausible up to the time that passed. Counted pieces take from it; after each decision it is cut back to its
 * cap, so a gap's surplus explains only the reading that ends the gap. `slackPieces` is a tolerance on top.
 *
 * Explanations: every reading after the baseline is weighed against the explanations the counter's semantics allow:
 * an increase (`r - baseline`), the end of a glitch (`r - preDrop`, while a drop is undecided or remembered), a
 * rollover (a wrap), a reset (`r - reset`), and, when the evidence was broken for longer than the burst window and a
 * reset fits, a correction (a person set the counter down: no pieces). The ones within the budget are kept: exactly
 * one, or several within `slackPieces` of each other, counts (the first listed); none, or several further apart, is
 * a hold (`implausible_rate` when only the number of pieces fails, else `unexplained_drop`) carrying the
 * explanations so a person can choose. After every decision, counted or held, the baseline is the newest reading.
 *
 * One sample never decides a step the counter cannot make by counting: a drop, a rise from below the reset value
 * to at or above it (a signed counter past its wrap), or a rise only an evidence gap's surplus explains (a PLC's
 * uninitialised value as the first reading after a restart), stays undecided for `dropConfirmMs` (checked on `tick`), the
 * pre-step reading staying the baseline; a reading back meanwhile is weighed as the end of a glitch too, and as the
 * drop plus pieces after it only when those fit the time since the low reading (the stored burst predates it). A decided
 * drop's pre-drop reading, and the reading before a held implausible rise (a spike up), stay a glitch candidate for
 * `GLITCH_MEMORY_DROPS` confirmation times or until the counter rises again.
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
   * Gateway-clock time (ms) until which the previous value is known to have stood; after it the counter was unseen
   * (the budget fills without cap). Absent: unseen since the previous decision (no liveness known, or a restart).
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

/** Elapsed gateway time between two readings, plus the bounded credit from the server's timestamps. */
export function elapsedBetween(pre: CounterSample, cur: CounterSample): number {
  const gateway = cur.at - pre.at;
  return pre.serverTime === undefined || cur.serverTime === undefined
    ? gateway
    : gateway + Math.min(SERVER_LAG_CREDIT_MS, Math.max(0, cur.serverTime - pre.serverTime - gateway));
}

export type CounterStep = CounterExplanationKind;

/** One way to read a counter's change, and the pieces it means. */
export interface Explanation {
  kind: CounterStep;
  pieces: number;
}

export type CounterVerdict =
  | { type: 'count'; step: CounterStep; delta: number; raw: number; sourceTime: number }
  | {
      type: 'hold';
      reason: CounterHoldReason;
      delta: number;
      limit?: number;
      elapsedMs: number;
      raw: number;
      readings: CounterSample[];
      explanations: Explanation[];
    }
  | undefined;

/** A step waiting for its decision: the first reading of it (its time starts the confirmation) and the newest. */
interface Suspect {
  first: CounterSample;
  last: CounterSample;
  /** A rise (from below the reset value to at or above it, or one only a gap explains) rather than a drop. */
  rise: boolean;
  /** A remembered reading the counter may be coming back to (`preDrop` when the step began). */
  glitchFrom?: CounterSample;
}

/** One counter tag's decision state: the last decided reading, an undecided step, and the plausibility budget. */
export class CounterTracker {
  private baseline: CounterSample | undefined;
  private suspect: Suspect | undefined;
  /**
   * A reading the counter may come back to, still a glitch candidate (see the rules above), and until when: a
   * decided drop's pre-drop reading, or the reading before a held implausible rise (a spike up).
   */
  private preDrop: { sample: CounterSample; until: number } | undefined;
  /** Pieces the machine may have made that the counter has not shown yet, as of `budgetAt` (gateway clock). */
  private budget = 0;
  private budgetAt: number | undefined;
  /** Pieces per ms at the machine's ideal cycle time with the tag's margin. */
  private readonly rate: number;
  /** The budget's cap while the counter is evidenced. */
  private readonly cap: number;

  /**
   * `committed`: the raw the journal last committed for this tag, and when (on the gateway clock, so the time since
   * a commit before a restart is known: unseen) and on the wall clock (the hold's record of that reading); the first
   * reading is then judged against it instead of becoming a baseline.
   */
  constructor(
    private readonly s: CounterSemantics,
    idealCycleTimeS: number,
    committed?: { raw: number; at: number; wallMs: number },
  ) {
    this.rate = s.factor / (idealCycleTimeS * 1_000);
    this.cap = this.rate * s.burstMs;
    if (committed) {
      this.baseline = { raw: committed.raw, at: committed.at, sourceTime: committed.wallMs };
      this.budgetAt = committed.at;
    }
  }

  /** Gateway-clock time of the last counted (or held) reading: when the raw a commit carries was read. */
  get baselineAt(): number | undefined {
    return this.baseline?.at;
  }

  /** Whether a step waits for its decision (the caller ticks the tracker until it is decided). */
  get suspectSince(): number | undefined {
    return this.suspect?.first.at;
  }

  offer(r: CounterSample): CounterVerdict {
    const base = this.baseline;
    if (!base) {
      this.baseline = r;
      this.budgetAt = r.at;
      return undefined;
    }
    if (this.suspect) return this.duringSuspect(base, this.suspect, r);
    const pd = this.preDrop && r.at <= this.preDrop.until ? this.preDrop.sample : undefined;
    if (r.raw === base.raw) return undefined;
    this.preDrop = undefined;
    if (r.raw < base.raw || this.resetRise(base, r) || this.gapRise(base, r)) return this.suspectStep(r, r.raw > base.raw, pd);
    const explanations: Explanation[] = [{ kind: 'increase', pieces: r.raw - base.raw }];
    if (pd && r.raw >= pd.raw) explanations.push({ kind: 'glitch', pieces: r.raw - pd.raw });
    return this.decide(base, r, pd ? [pd, r] : [r], () => explanations);
  }

  /** Decides a suspect step once `dropConfirmMs` passed since it: its newest reading is then the truth. */
  tick(now: number): CounterVerdict {
    const step = this.suspect;
    if (!step || now - step.first.at < this.s.dropConfirmMs) return undefined;
    this.suspect = undefined;
    const pre = this.baseline!;
    // The new value's evidence starts at the step: the old value stood until the step's `from`.
    const last = { ...step.last, from: step.first.from };
    const after = step.first === step.last ? [step.first] : [step.first, step.last];
    if (step.rise) return this.decide(pre, last, after, () => this.rises(pre, last));
    this.preDrop = { sample: pre, until: step.first.at + GLITCH_MEMORY_DROPS * this.s.dropConfirmMs };
    // Back down from a held spike: the reading before the spike is a glitch candidate.
    const back = step.glitchFrom && last.raw >= step.glitchFrom.raw ? step.glitchFrom : undefined;
    const glitch: Explanation[] = back ? [{ kind: 'glitch', pieces: last.raw - back.raw }] : [];
    return this.decide(pre, last, back ? [back, ...after] : after, (gap) => [...this.drops(pre, last, gap), ...glitch]);
  }

  /** A rise the counter could make only by a reset: from below the reset value to at or above it. */
  private resetRise(base: CounterSample, r: CounterSample): boolean {
    return this.s.reset !== false && base.raw < this.s.reset && r.raw >= this.s.reset;
  }

  /**
   * A rise that only an evidence gap's surplus could explain (more than the capped budget holds): the first reading
   * after a restart or a dead subscription may be a PLC's uninitialised value, so it waits for a second sample too.
   */
  private gapRise(base: CounterSample, r: CounterSample): boolean {
    return this.span(base, r).unseen > this.s.burstMs && r.raw - base.raw > this.cap + this.s.slackPieces;
  }

  private suspectStep(r: CounterSample, rise: boolean, glitchFrom?: CounterSample): CounterVerdict {
    this.suspect = { first: r, last: r, rise, ...(glitchFrom ? { glitchFrom } : {}) };
    return this.s.dropConfirmMs === 0 ? this.tick(r.at) : undefined;
  }

  /** A reading while a step is undecided: the step's end as a glitch, or its continuation. */
  private duringSuspect(base: CounterSample, step: Suspect, reading: CounterSample): CounterVerdict {
    // The baseline's evidence ended where the step's did: a gap before the step stays unseen time.
    const r = { ...reading, from: step.first.from };
    const after = step.first === step.last ? [step.first, r] : [step.first, step.last, r];
    const glitch = (): Explanation[] => (r.raw >= base.raw ? [{ kind: 'glitch', pieces: r.raw - base.raw }] : []);
    if (step.rise) {
      this.suspect = undefined;
      if (r.raw >= step.first.raw) return this.decide(base, r, after, () => this.rises(base, r));
      if (r.raw >= base.raw) return this.decide(base, r, after, glitch);
      // Below the pre-rise value: a drop from it, undecided in turn.
      return this.suspectStep(reading, false);
    }
    if (r.raw < base.raw) {
      step.last = reading;
      return this.tick(r.at);
    }
    this.suspect = undefined;
    const { last } = step;
    // Back at or above the pre-drop value: a glitch's end, or the drop was real and pieces followed it. Those pieces
    // were made after the low reading was seen, so no more of them than the time since allows: the budget's stored
    // burst is pieces made before it (soak seed 303: 73, 0, 74 within 300 ms is a glitch and 1 piece, not a reset and 74).
    const madeSinceLow = Math.floor(this.rate * elapsedBetween(last, r) + 1e-9) + this.s.slackPieces;
    const dropped = r.raw - last.raw <= madeSinceLow;
    return this.decide(base, r, after, (gap) => [
      ...glitch(),
      ...(dropped ? this.drops(base, last, gap).map((e) => ({ kind: e.kind, pieces: e.pieces + r.raw - last.raw })) : []),
    ]);
  }

  /** An undecided rise: an increase, or, from below the reset value, a reset and pieces after it. */
  private rises(pre: CounterSample, cur: CounterSample): Explanation[] {
    const out: Explanation[] = [{ kind: 'increase', pieces: cur.raw - pre.raw }];
    const { reset } = this.s;
    if (reset !== false && this.resetRise(pre, cur)) out.push({ kind: 'reset', pieces: cur.raw - reset });
    return out;
  }

  /**
   * A drop's explanations: a rollover where the counter wraps, a reset where it can be reset, and, after an evidence
   * gap longer than the burst window, a correction: a counter a person can reset can also be set down, and what the
   * gap hid cannot tell the two apart (while live, the reset's own reading is seen, the monitored item's queue keeping
   * it).
   */
  private drops(pre: CounterSample, cur: CounterSample, gap: boolean): Explanation[] {
    const { range, wraps, reset } = this.s;
    const out: Explanation[] = [];
    if (wraps) out.push({ kind: 'rollover', pieces: range.max - pre.raw + (cur.raw - range.min) + 1 });
    if (reset !== false && cur.raw >= reset) {
      out.push({ kind: 'reset', pieces: cur.raw - reset });
      if (gap) out.push({ kind: 'correction', pieces: 0 });
    }
    return out;
  }

  /**
   * Fills the budget up to `cur` (capped while evidenced, uncapped after `cur.from`, plus the server-lag credit) and
   * says how many pieces fit and whether the counter was unseen for longer than the burst window.
   */
  private fill(pre: CounterSample, cur: CounterSample): { available: number; gap: boolean } {
    const { start, seen, unseen } = this.span(pre, cur);
    const evidenced = Math.min(this.cap, this.budget + this.rate * Math.max(0, seen - start));
    this.budget = Math.max(this.budget, evidenced) + this.rate * unseen;
    this.budgetAt = Math.max(start, cur.at);
    // The epsilon absorbs floating-point error in whole pieces (1.5 x 10 s / 1 s being 14.999...).
    return { available: Math.floor(this.budget + 1e-9) + this.s.slackPieces, gap: unseen > this.s.burstMs };
  }

  /** The time since the budget's last fill, split at `cur.from`: evidenced until `seen`, then `unseen` (ms). */
  private span(pre: CounterSample, cur: CounterSample): { start: number; seen: number; unseen: number } {
    const start = this.budgetAt ?? pre.at;
    const seen = Math.min(cur.at, Math.max(start, cur.from ?? start));
    const credit = elapsedBetween(pre, cur) - (cur.at - pre.at);
    return { start, seen, unseen: Math.max(0, cur.at - seen) + credit };
  }

  /** Weighs the explanations `explain` gives (see the rules above) against the budget. */
  private decide(pre: CounterSample, cur: CounterSample, after: CounterSample[], explain: (gap: boolean) => Explanation[]): CounterVerdict {
    const { available, gap } = this.fill(pre, cur);
    const options = explain(gap);
    const fit = options.filter((o) => o.pieces <= available);
    const pieces = fit.map((o) => o.pieces);
    if (fit.length > 0 && Math.max(...pieces) - Math.min(...pieces) <= this.s.slackPieces) return this.count(cur, fit[0]!.kind, fit[0]!.pieces);
    // The delta is the fewest pieces one of them means; a correction is left out, since it means none, which is what
    // rejecting the hold says.
    const made = fit.filter((o) => o.kind !== 'correction').map((o) => o.pieces);
    if (fit.length > 1) return this.hold(pre, cur, 'unexplained_drop', Math.min(...made), after, available, fit);
    // Nothing fits. An increase, a glitch's end or a reset is a number of pieces too many for the time; a drop that
    // only a rollover could explain gives no number (`delta` is then the wrap's pieces, what a person would accept),
    // nor does one that nothing explains (0).
    const counted = options.filter((o) => o.kind !== 'rollover' && o.kind !== 'correction');
    // A rise too large for the budget may be a spike (a bit flip, a PLC's -1 read unsigned): the reading before it
    // stays a glitch candidate, so the counter coming back counts from there rather than being held again.
    if (cur.raw > pre.raw) this.preDrop = { sample: pre, until: cur.at + GLITCH_MEMORY_DROPS * this.s.dropConfirmMs };
    if (counted.length > 0) return this.hold(pre, cur, 'implausible_rate', Math.min(...counted.map((o) => o.pieces)), after, available, options);
    const wrap = options.find((o) => o.kind === 'rollover');
    return this.hold(pre, cur, 'unexplained_drop', wrap?.pieces ?? 0, after, wrap ? available : undefined, options);
  }

  /** Cuts the budget back to its cap: a gap's surplus explained the reading that ended the gap, no later one. */
  private settle(taken: number): void {
    this.budget = Math.min(this.cap, Math.max(0, this.budget - taken));
  }

  private count(cur: CounterSample, step: CounterStep, delta: number): CounterVerdict {
    this.baseline = cur;
    this.settle(delta);
    return { type: 'count', step, delta, raw: cur.raw, sourceTime: cur.sourceTime };
  }

  private hold(
    pre: CounterSample,
    cur: CounterSample,
    reason: CounterHoldReason,
    delta: number,
    after: CounterSample[],
    limit: number | undefined,
    explanations: Explanation[],
  ): CounterVerdict {
    this.baseline = cur;
    this.settle(0);
    return {
      type: 'hold',
      reason,
      delta,
      ...(limit !== undefined ? { limit } : {}),
      elapsedMs: Math.max(0, Math.round(elapsedBetween(pre, cur))),
      raw: cur.raw,
      // Oldest first: a remembered pre-drop reading is older than the baseline.
      readings: [pre, ...after].sort((a, b) => a.at - b.at),
      explanations,
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
