import { mean, sampleStandardDeviation } from 'simple-statistics';

// Statistical process control on one characteristic's individual values (an X chart). Pure, so the work-order
// workflow runs it deterministically and unit tests pin each rule with its textbook example.
// Source: Western Electric Statistical Quality Control Handbook (1956), and L. S. Nelson, "The Shewhart Control
// Chart: Tests for Special Causes", Journal of Quality Technology 16(4), 1984.

/** A chart's center line and its process standard deviation; control limits are center +- 3 sigma. */
export interface ControlLimits {
  center: number;
  sigma: number;
}

/** The run rules checked: a point beyond 3 sigma (WE 1 / Nelson 1), a run on one side of the center (WE 4 / Nelson 2), a trend (Nelson 3). */
export type RunRuleName = 'beyond-3-sigma' | 'run-one-side' | 'trend';

export interface RunRuleOptions {
  /** Points in a row on one side of the center line: 8 (Western Electric) or 9 (Nelson). */
  runLength: number;
  /** Points in a row steadily increasing or decreasing: 6 (Nelson). */
  trendLength: number;
}

export interface RunRuleHit {
  rule: RunRuleName;
  /** Why, in words a supervisor reads. */
  reason: string;
}

/**
 * Control limits from a baseline period: its mean and sample standard deviation.
 * @throws Error when fewer than 2 values are given (no spread can be estimated) or they do not vary at all.
 */
export function controlLimitsOf(baseline: readonly number[]): ControlLimits {
  if (baseline.length < 2) throw new Error(`a baseline needs at least 2 values, got ${baseline.length}`);
  const sigma = sampleStandardDeviation([...baseline]);
  if (!(sigma > 0)) throw new Error('the baseline values do not vary: no control limits can be set');
  return { center: mean([...baseline]), sigma };
}

/**
 * The rules the newest value (last of `values`, oldest first) completes: each rule fires on the point that makes it
 * true, and a caller that remembers which rules were already true can warn once per episode. Values before the
 * newest only matter as the run or trend leading to it.
 */
export function runRuleHits(values: readonly number[], limits: ControlLimits, opts: RunRuleOptions): RunRuleHit[] {
  const hits: RunRuleHit[] = [];
  const last = values[values.length - 1];
  if (last === undefined) return hits;
  const { center, sigma } = limits;
  if (Math.abs(last - center) > 3 * sigma)
    hits.push({ rule: 'beyond-3-sigma', reason: `value ${last} is beyond the control limits ${round(center - 3 * sigma)}..${round(center + 3 * sigma)}` });
  const run = values.slice(-opts.runLength);
  if (run.length === opts.runLength) {
    if (run.every((v) => v > center)) hits.push({ rule: 'run-one-side', reason: `${opts.runLength} values in a row above the center line ${round(center)}` });
    else if (run.every((v) => v < center)) hits.push({ rule: 'run-one-side', reason: `${opts.runLength} values in a row below the center line ${round(center)}` });
  }
  const trend = values.slice(-opts.trendLength);
  if (trend.length === opts.trendLength) {
    const steps = trend.slice(1).map((v, i) => v - trend[i]!);
    if (steps.every((s) => s > 0)) hits.push({ rule: 'trend', reason: `${opts.trendLength} values in a row increasing` });
    else if (steps.every((s) => s < 0)) hits.push({ rule: 'trend', reason: `${opts.trendLength} values in a row decreasing` });
  }
  return hits;
}

const round = (x: number) => Math.round(x * 1000) / 1000;
