import { describe, expect, it } from 'vitest';
import { controlLimitsOf, runRuleHits } from '../../../quality/run-rules.js';

// Textbook examples on a chart with center 10 and sigma 1 (control limits 7..13), after the Western Electric
// handbook (1956) and Nelson (1984): each rule fires on the point that completes it, not before.
const limits = { center: 10, sigma: 1 };
const opts = { runLength: 8, trendLength: 6 };
const rules = (values: number[]) => runRuleHits(values, limits, opts).map((h) => h.rule);

describe('control limits from a baseline', () => {
  it('are the mean and sample standard deviation', () => {
    const l = controlLimitsOf([9, 10, 11, 10, 9, 11]);
    expect(l.center).toBe(10);
    expect(l.sigma).toBeCloseTo(Math.sqrt(4 / 5), 10);
  });
  it('refuse a baseline without spread or with one value', () => {
    expect(() => controlLimitsOf([5, 5, 5])).toThrow(/do not vary/);
    expect(() => controlLimitsOf([5])).toThrow(/at least 2/);
  });
});

describe('rule 1: a point beyond 3 sigma', () => {
  it('fires above the upper and below the lower control limit, not on the limit', () => {
    expect(rules([10, 13.1])).toEqual(['beyond-3-sigma']);
    expect(rules([10, 6.9])).toEqual(['beyond-3-sigma']);
    expect(rules([10, 13])).toEqual([]);
  });
});

describe('rule 2: a run on one side of the center line', () => {
  it('fires on the 8th point in a row above the center, not on the 7th', () => {
    const run = [10.5, 10.2, 10.8, 10.1, 10.4, 10.3, 10.6, 10.2];
    expect(rules([9, ...run.slice(0, 7)])).toEqual([]);
    expect(rules([9, ...run])).toEqual(['run-one-side']);
  });
  it('fires below the center, and a point on the center line breaks the run', () => {
    expect(rules([9.5, 9.8, 9.2, 9.9, 9.4, 9.7, 9.6, 9.3])).toEqual(['run-one-side']);
    expect(rules([9.5, 9.8, 9.2, 10, 9.4, 9.7, 9.6, 9.3])).toEqual([]);
  });
  it('takes 9 points under Nelson\'s rule', () => {
    const eight = [10.5, 10.2, 10.8, 10.1, 10.4, 10.3, 10.6, 10.2];
    expect(runRuleHits(eight, limits, { runLength: 9, trendLength: 6 })).toEqual([]);
    expect(runRuleHits([10.3, ...eight], limits, { runLength: 9, trendLength: 6 }).map((h) => h.rule)).toEqual(['run-one-side']);
  });
});

describe('rule 3: a trend', () => {
  it('fires on 6 points steadily increasing or decreasing, and a repeat breaks it', () => {
    expect(rules([9, 9.2, 9.4, 9.6, 9.8, 10.1])).toEqual(['trend']);
    expect(rules([11, 10.8, 10.5, 10.2, 9.9, 9.7])).toEqual(['trend']);
    expect(rules([9, 9.2, 9.4, 9.4, 9.8, 10.1])).toEqual([]);
    expect(rules([9.2, 9.4, 9.6, 9.8, 10.1])).toEqual([]);
  });
});
