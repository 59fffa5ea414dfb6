import { describe, expect, it } from 'vitest';
import { replay } from '../../helpers/counter-replay.js';

const H = 3_600_000;
const MIN = 60_000;

// Issue 11, review finding 1: the reviewer's inputs (idealCycleTimeS 1 s), replayed with a live subscription.
describe('counter allowance from the last evidence of the value (review finding 1)', () => {
  it('UInt16 60000, silent 2 h on a live subscription, 0, 12 one second later: no wrap of 5548 pieces', () => {
    const r = replay({ dataType: 'UInt16' }, 1, [[60_000, 0], [0, 2 * H], [12, 2 * H + 1_000]], 2 * H + 5_000);
    // A reset and 12 pieces: they fit the live budget (its burst window), the 5548 of a wrap do not.
    expect(r.counted).toBe(12);
    expect(r.holds).toEqual([]);
  });

  it('UInt16 60000, 0 after 2 h and stays: 0 pieces, and the 0 is committed', () => {
    const r = replay({ dataType: 'UInt16' }, 1, [[60_000, 0], [0, 2 * H]], 2 * H + 5_000);
    expect(r).toEqual({ counted: 0, holds: [], commits: [0] });
  });

  it('UInt32 100, HMI correction to 99 after 10 min, 100 two minutes later: at most 1 piece', () => {
    const r = replay({}, 1, [[100, 0], [99, 10 * MIN], [100, 12 * MIN]], 12 * MIN + 5_000);
    // 99 is no reset a machine could have counted 99 pieces from in the ~0.15 s since 100 was last evidenced: held.
    expect(r.counted).toBe(1);
    expect(r.holds).toEqual([{ reason: 'implausible_rate', delta: 99, raw: 99 }]);
  });

  it('UInt32 45000, correction to 44999 after 9 h: a hold, nothing counted', () => {
    const r = replay({}, 1, [[45_000, 0], [44_999, 9 * H]], 9 * H + 5_000);
    expect(r.counted).toBe(0);
    expect(r.holds).toHaveLength(1);
  });

  it('Int16 at -100 reset to 0 after 10 min: a reset, 0 pieces, committed', () => {
    const r = replay({ dataType: 'Int16' }, 1, [[-100, 0], [0, 10 * MIN]], 10 * MIN + 5_000);
    expect(r).toEqual({ counted: 0, holds: [], commits: [0] });
  });

  it('a restart after a 60 h weekend, journal UInt16 60000, PLC reset reads 12: rollover and reset both fit -> a hold', () => {
    const r = replay({ dataType: 'UInt16' }, 1, [[12, 100]], 5_000, { committed: { raw: 60_000, at: -60 * H, wallMs: Date.UTC(2026, 10, 28) } });
    expect(r.counted).toBe(0);
    expect(r.holds).toEqual([{ reason: 'unexplained_drop', delta: 12, raw: 12 }]);
  });

  it('60000 -> 0 after 10 min (0 pieces) commits 0, so a restart 5 h later with the PLC still at 0 counts nothing', () => {
    const run1 = replay({ dataType: 'UInt16' }, 1, [[60_000, 0], [0, 10 * MIN]], 10 * MIN + 5_000);
    expect(run1).toEqual({ counted: 0, holds: [], commits: [0] });
    const run2 = replay({ dataType: 'UInt16' }, 1, [[0, 100]], 5_000, { committed: { raw: run1.commits[0]!, at: -5 * H, wallMs: Date.UTC(2026, 10, 30, 1) } });
    expect(run2).toEqual({ counted: 0, holds: [], commits: [] });
  });

  it('a real gap (subscription dead from 10 min to 2 h) keeps the allowance from the gap start: a wrap that fits counts', () => {
    // UInt16 reset: false, so only a rollover explains the drop; 5548 pieces fit 1 h 50 min at 1 s per piece.
    const r = replay({ dataType: 'UInt16', reset: false }, 1, [[60_000, 0], [12, 2 * H]], 2 * H + 5_000, { gaps: [[10 * MIN, 10 * MIN + 2_000]] });
    expect(r.counted).toBe(5_548);
  });

  it('the same drop on a live subscription (no gap) is a hold: the counter cannot have made 5548 pieces unseen', () => {
    const r = replay({ dataType: 'UInt16', reset: false }, 1, [[60_000, 0], [12, 2 * H]], 2 * H + 5_000);
    expect(r.counted).toBe(0);
    expect(r.holds).toMatchObject([{ reason: 'unexplained_drop', delta: 5_548 }]);
  });

  it('a wrap at the top on a live subscription still counts (rollover and reset within the slack of each other)', () => {
    expect(replay({ dataType: 'UInt16' }, 1, [[65_533, 0], [65_535, 2_000], [1, 4_000]], 10_000)).toMatchObject({ counted: 4, holds: [] });
  });
});

// Review finding 4: glitches longer than one sample, or with more than one low value (idealCycleTimeS 1 s).
describe('long and multi-valued glitches are judged against the pre-drop value (review finding 4)', () => {
  it('45000 -> 0 for 2.5 s -> 45003 is 3 pieces', () => {
    expect(replay({}, 1, [[45_000, 0], [0, 1_000], [45_003, 3_500]], 8_000)).toEqual({ counted: 3, holds: [], commits: [0] });
  });

  it('samplingMs 5000 (dropConfirmMs defaults to 15 s): a one-sample 0 after an idle hour, then 45003, is 3 pieces', () => {
    expect(replay({ dataType: 'UInt16', samplingMs: 5_000 }, 1, [[45_000, 0], [0, H], [45_003, H + 5_000]], H + 8_000)).toMatchObject({ counted: 3, holds: [] });
  });

  it('two different glitch values: 45000 -> 0 -> 5 -> 45003 is 3 pieces, nothing invented', () => {
    expect(replay({}, 1, [[45_000, 0], [0, 1_000], [5, 1_100], [45_003, 1_200]], 5_000)).toMatchObject({ counted: 3, holds: [] });
  });

  it('45000 -> 3 -> 7 -> 45003 is 3 pieces, no holds', () => {
    expect(replay({}, 1, [[45_000, 0], [3, 1_000], [7, 1_100], [45_003, 1_200]], 5_000)).toMatchObject({ counted: 3, holds: [] });
  });

  it('a real reset while a window is open still counts from the reset value: 100, 103, 0, 2 is 5', () => {
    expect(replay({}, 1, [[100, 0], [103, 3_000], [0, 3_200], [2, 5_000]], 8_000)).toMatchObject({ counted: 5, holds: [] });
  });
});
