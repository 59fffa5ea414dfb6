import { describe, expect, it } from 'vitest';
import type { Liveness } from '../../../edge/tag-pipeline.js';
import { replay } from '../../helpers/counter-replay.js';

const H = 3_600_000;
const MIN = 60_000;

// Issue 11, second review: the reviewer's inputs (/tmp/review11b), replayed like the gateway with a live
// subscription whose changes take up to sampling + publishing (2 s) to arrive. idealCycleTimeS 1 s unless stated.
const live = (): Liveness => ({ gapStart: Number.NEGATIVE_INFINITY, intervalMs: 2_000 });
const run = (
  tag: Record<string, unknown>,
  cycleS: number,
  readings: Array<[number, number]>,
  untilMs: number,
  o: { committed?: { raw: number; at: number; wallMs: number }; gaps?: Array<[number, number]> } = {},
) => replay(tag, cycleS, readings, untilMs, { liveness: live(), explain: true, ...o });

describe('a rise is judged on the budget, not on the time since the previous reading (finding 1)', () => {
  it('live, 45000 idle 1 h, one-sample bit flip to 46024, back to 45000: the spike held, its return a 0-piece glitch', () => {
    const r = run({}, 1, [[45_000, 0], [46_024, H], [45_000, H + 1_000]], H + 10_000);
    expect(r.counted).toBe(0);
    expect(r.holds).toEqual([{ reason: 'implausible_rate', delta: 1_024, raw: 46_024, explanations: [{ kind: 'increase', pieces: 1_024 }] }]);
  });

  it('the same spike coming back at 45003: 3 pieces counted from before the spike', () => {
    const r = run({}, 1, [[45_000, 0], [46_024, H], [45_003, H + 1_000]], H + 10_000);
    expect(r.counted).toBe(3);
    expect(r.holds).toHaveLength(1);
  });

  it('UInt16 100 idle a day, one sample 65535, back to 100: nothing counted', () => {
    const r = run({ dataType: 'UInt16' }, 1, [[100, 0], [65_535, 24 * H], [100, 24 * H + 1_000]], 24 * H + 10_000);
    expect(r.counted).toBe(0);
    expect(r.holds).toMatchObject([{ reason: 'implausible_rate', delta: 65_435 }]);
  });

  it('1 piece/s, quiet 50 s, then +60 in one sample: held, the budget holding 30 s worth (45 + 5); 1012 after it: 2', () => {
    const readings: Array<[number, number]> = [...Array.from({ length: 11 }, (_, i): [number, number] => [1_000 + i, i * 1_000]), [1_070, 60_000], [1_012, 61_000]];
    const r = run({}, 1, readings, 70_000);
    expect(r.counted).toBe(12);
    expect(r.holds).toMatchObject([{ reason: 'implausible_rate', delta: 60, raw: 1_070 }]);
  });
});

describe('a rise only a gap explains waits for a second sample', () => {
  it('restart after a day (committed UInt16 100), first reading 65535 (uninitialised), then 100: nothing counted', () => {
    const r = run({ dataType: 'UInt16' }, 1, [[65_535, 1_000], [100, 2_000]], 10_000, { committed: { raw: 100, at: -24 * H, wallMs: Date.UTC(2026, 10, 29, 6) } });
    expect(r).toMatchObject({ counted: 0, holds: [] });
  });

  it('restart after an hour, committed 1000, the machine made 2000 meanwhile: counted once the reading stands', () => {
    const r = run({}, 1, [[3_000, 1_000]], 10_000, { committed: { raw: 1_000, at: -H, wallMs: Date.UTC(2026, 10, 30, 5) } });
    expect(r).toMatchObject({ counted: 2_000, holds: [] });
  });
});

describe('a drop seen after an evidence gap may be a correction (finding 2)', () => {
  it('800, subscription gap from 10 s, 795 on recovery at 30 min: a hold offering reset or correction', () => {
    const r = run({}, 1, [[800, 0], [795, 30 * MIN]], 30 * MIN + 5_000, { gaps: [[10_000, 10_000]] });
    expect(r.counted).toBe(0);
    expect(r.holds).toHaveLength(1);
    expect(r.holds[0]).toMatchObject({ reason: 'unexplained_drop', delta: 795, raw: 795 });
    expect(r.holds[0]!.explanations).toContainEqual({ kind: 'correction', pieces: 0 });
  });

  it('restart after 9 h, committed 45000, reads 44990: a hold, not 44990 pieces', () => {
    const r = run({}, 1, [[44_990, 1_000]], 6_000, { committed: { raw: 45_000, at: -9 * H, wallMs: Date.UTC(2026, 10, 29, 21) } });
    expect(r.counted).toBe(0);
    expect(r.holds).toEqual([
      { reason: 'unexplained_drop', delta: 44_990, raw: 44_990, explanations: [{ kind: 'reset', pieces: 44_990 }, { kind: 'correction', pieces: 0 }] },
    ]);
  });

  it('a reset to 0 across a gap still counts its pieces: 800, gap, 0, then 3', () => {
    const r = run({}, 1, [[800, 0], [0, 30 * MIN], [3, 30 * MIN + 5_000]], 30 * MIN + 10_000, { gaps: [[10_000, 10_000]] });
    expect(r).toMatchObject({ counted: 3, holds: [] });
  });
});

describe('a rollover in steps is not silently taken for a reset (finding 3)', () => {
  it('16-cavity UInt16: 65504, 65520 @16 s, 0 @32 s, 16 @48 s: rollover or reset goes to a person', () => {
    const r = run({ dataType: 'UInt16' }, 1, [[65_504, 0], [65_520, 16_000], [0, 32_000], [16, 48_000]], 60_000);
    expect(r.counted).toBe(32);
    expect(r.holds).toEqual([
      { reason: 'unexplained_drop', delta: 0, raw: 0, explanations: [{ kind: 'rollover', pieces: 16 }, { kind: 'reset', pieces: 0 }] },
    ]);
  });

  it('a driver delivering +10 every 10 s across a UInt16 wrap: the wrap step is held with its 10 pieces on offer', () => {
    const readings = Array.from({ length: 7 }, (_, i): [number, number] => [(65_500 + 10 * i) % 65_536, i * 10_000]);
    const r = run({ dataType: 'UInt16' }, 1, readings, 70_000);
    expect(r.counted).toBe(50);
    expect(r.holds).toEqual([
      { reason: 'unexplained_drop', delta: 4, raw: 4, explanations: [{ kind: 'rollover', pieces: 10 }, { kind: 'reset', pieces: 4 }] },
    ]);
  });

  it('the same across a {0..9999} wrap', () => {
    const readings = Array.from({ length: 7 }, (_, i): [number, number] => [(9_960 + 10 * i) % 10_000, i * 10_000]);
    const r = run({ wrap: { min: 0, max: 9_999 } }, 1, readings, 70_000);
    expect(r.counted).toBe(50);
    expect(r.holds[0]!.explanations).toEqual([{ kind: 'rollover', pieces: 10 }, { kind: 'reset', pieces: 0 }]);
  });
});

describe('glitch memory after a real reset does not eat the first pieces (finding 4)', () => {
  it('16-cavity: counter 10, reset to 0 @60 s, first shot 16 @76 s: a hold offering 16 or 6', () => {
    const r = run({}, 1, [[10, 0], [0, 60_000], [16, 76_000]], 90_000);
    expect(r.counted).toBe(0);
    expect(r.holds).toEqual([
      { reason: 'unexplained_drop', delta: 6, raw: 16, explanations: [{ kind: 'increase', pieces: 16 }, { kind: 'glitch', pieces: 6 }] },
    ]);
  });

  it('0.1 s/piece: 5, reset to 0, then 10 and 20: the increase and the glitch are within the slack, so 20 count', () => {
    const r = run({}, 0.1, [[5, 0], [0, 60_000], [10, 63_000], [20, 64_000]], 70_000);
    expect(r).toMatchObject({ counted: 20, holds: [] });
  });
});

describe('a signed counter rising from below its reset value is not decided on one sample (finding 8)', () => {
  it('Int16 at -200, one sample 0, then -198: 2 pieces, no hold', () => {
    const r = run({ dataType: 'Int16' }, 1, [[-200, 0], [0, 1_000], [-198, 2_000]], 10_000);
    expect(r).toMatchObject({ counted: 2, holds: [] });
  });

  it('Int16 at -100 reset to 0 and 3 pieces: the 0 is confirmed, then 3 count', () => {
    const r = run({ dataType: 'Int16' }, 1, [[-100, 0], [0, 10 * MIN], [3, 10 * MIN + 5_000]], 10 * MIN + 10_000);
    expect(r).toMatchObject({ counted: 3, holds: [] });
  });
});

describe('issue 11 values keep their meaning', () => {
  it('45000 -> 0 -> 45003: 3 (a glitch)', () => {
    expect(run({}, 1, [[45_000, 0], [0, 1_000], [45_003, 2_000]], 10_000)).toMatchObject({ counted: 3, holds: [] });
  });

  it('UInt16 60000 -> 0 -> 12 within seconds: a reset and 12 pieces once the budget holds them, else a hold', () => {
    expect(run({ dataType: 'UInt16' }, 1, [[60_000, 0], [0, 1_000], [12, 8_000]], 10_000)).toMatchObject({ counted: 12, holds: [] });
    // 4 s after the baseline the budget holds 6 + 5 pieces: 12 wait for a person.
    expect(run({ dataType: 'UInt16' }, 1, [[60_000, 0], [0, 1_000], [12, 4_000]], 10_000)).toMatchObject({ counted: 0, holds: [{ delta: 12 }] });
  });

  it('Int16 32766 -> -32768 -> -32767: 3 (a rollover)', () => {
    expect(run({ dataType: 'Int16' }, 1, [[32_766, 0], [-32_768, 1_000], [-32_767, 2_000]], 10_000)).toMatchObject({ counted: 3, holds: [] });
  });
});

// Issue 16, soak seed 303 (SAP double run): `opcua:counter-glitch` read pack-c1.Good as 0 for 300 ms while a piece
// was made. idealCycleTimeS 0.5 s, the budget full (30 s worth: 90 + 5). A reset there would need 74 pieces in the
// 300 ms after the 0 was seen.
describe('pieces after a drop are bounded by the time since the low reading', () => {
  it('live, 73 idle 40 s, 0, 74 300 ms later: a glitch, 1 piece counted, no hold', () => {
    const r = run({}, 0.5, [[73, 0], [0, 40_000], [74, 40_300]], 50_000);
    expect(r).toMatchObject({ counted: 1, holds: [] });
  });

  it('live, 73 idle 20 s, 0 standing 30 s (a real reset), then 74: the reset decided first, 74 counted', () => {
    expect(run({}, 0.5, [[73, 0], [0, 20_000], [74, 50_000]], 60_000)).toMatchObject({ counted: 74, holds: [] });
  });

  it('issue 11 item 2 unchanged: UInt16 60000, 0 standing, 12 a second later: 12 pieces', () => {
    expect(run({ dataType: 'UInt16' }, 1, [[60_000, 0], [0, 10_000], [12, 11_000]], 20_000)).toMatchObject({ counted: 12, holds: [] });
  });
});
