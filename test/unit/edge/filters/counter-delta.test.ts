import { describe, expect, it } from 'vitest';
import { counterSemantics, type CounterTag } from '../../../../contracts/messages/edge-config.js';
import { CounterTracker, SERVER_LAG_CREDIT_MS, type CounterVerdict } from '../../../../edge/filters/counter-delta.js';

/** A tracker for a machine of 1 s per piece (1.5 x margin, 5 pieces of slack unless the tag says otherwise). */
const tracker = (tag: Partial<CounterTag> = {}, cycleS = 1) =>
  new CounterTracker(counterSemantics({ dataType: 'UInt32', ...tag }), cycleS);

/** Feeds `raws` one second apart (gateway clock), then ticks past the drop confirmation; returns every verdict. */
function run(t: CounterTracker, raws: number[], stepMs = 1_000): Exclude<CounterVerdict, undefined>[] {
  const out: CounterVerdict[] = raws.map((raw, i) => t.offer({ raw, at: i * stepMs, sourceTime: 1_700_000_000_000 + i * stepMs }));
  out.push(t.tick(raws.length * stepMs + 60_000));
  return out.filter((v): v is Exclude<CounterVerdict, undefined> => v !== undefined);
}
const counted = (vs: CounterVerdict[]) => vs.reduce((n, v) => n + (v?.type === 'count' ? v.delta : 0), 0);
const holds = (vs: CounterVerdict[]) => vs.filter((v) => v?.type === 'hold');

describe('CounterTracker', () => {
  it('takes the first reading as the baseline and counts increases', () => {
    expect(run(tracker(), [500, 501, 503])).toMatchObject([
      { type: 'count', step: 'increase', delta: 1, raw: 501 },
      { type: 'count', step: 'increase', delta: 2, raw: 503 },
    ]);
  });

  it('a UInt32 counter reading 0 for one sample is a glitch: 45000 -> 0 -> 45003 is 3 pieces', () => {
    const vs = run(tracker({ dataType: 'UInt32' }), [45_000, 0, 45_003]);
    expect(vs).toMatchObject([{ type: 'count', step: 'glitch', delta: 3, raw: 45_003 }]);
  });

  it('a UInt16 reset near the top is a reset, not a rollover: 60000 -> 0 -> 12 is 12 pieces', () => {
    const vs = run(tracker({ dataType: 'UInt16' }, 0.1), [60_000, 0, 12]);
    expect(vs).toMatchObject([{ type: 'count', step: 'reset', delta: 12, raw: 12 }]);
  });

  it('a UInt16 counter wraps from 65535 to 0 when the pieces fit the time (65534 -> 1 -> 2 is 4)', () => {
    expect(run(tracker({ dataType: 'UInt16' }), [65_534, 1, 2])).toMatchObject([
      { type: 'count', step: 'rollover', delta: 4, raw: 2 },
    ]);
  });

  it('a signed Int16 counter wraps to the negative end: 32766 -> -32768 -> -32767 is 3 pieces', () => {
    expect(counted(run(tracker({ dataType: 'Int16' }), [32_766, -32_768, -32_767]))).toBe(3);
  });

  it('a signed Int32 counter wraps to the negative end', () => {
    expect(counted(run(tracker({ dataType: 'Int32' }), [2_147_483_646, -2_147_483_648, -2_147_483_646]))).toBe(4);
  });

  it('a counter wrapping at 9999 goes on at 0', () => {
    expect(counted(run(tracker({ dataType: 'UInt16', wrap: { min: 0, max: 9_999 } }), [9_998, 0, 2]))).toBe(4);
  });

  it('a counter that never wraps and cannot be reset holds an unexplained drop, then counts from there', () => {
    const vs = run(tracker({ wrap: false, reset: false }), [9_998, 3, 5]);
    expect(holds(vs)).toMatchObject([expect.objectContaining({ type: 'hold', reason: 'unexplained_drop', delta: 0, raw: 5 })]);
    expect(holds(vs)[0]).not.toHaveProperty('limit');
    // The baseline moved to 5: the next piece counts normally.
    const t = tracker({ wrap: false, reset: false });
    run(t, [9_998, 3, 5]);
    expect(t.offer({ raw: 6, at: 100_000, sourceTime: 0 })).toMatchObject({ type: 'count', step: 'increase', delta: 1, raw: 6 });
  });

  it('a reset to a configured value counts from it', () => {
    expect(run(tracker({ reset: 100, wrap: false }), [5_000, 100, 104])).toMatchObject([{ type: 'count', step: 'reset', delta: 4, raw: 104 }]);
  });

  it('decides a drop after dropConfirmMs without a new reading (a stopped machine sends none)', () => {
    const t = tracker({ dropConfirmMs: 2_000 });
    t.offer({ raw: 700, at: 0, sourceTime: 0 });
    expect(t.offer({ raw: 0, at: 1_000, sourceTime: 0 })).toBeUndefined();
    expect(t.suspectSince).toBe(1_000);
    expect(t.tick(2_999)).toBeUndefined();
    expect(t.tick(3_000)).toMatchObject({ type: 'count', step: 'reset', delta: 0, raw: 0 });
    expect(t.suspectSince).toBeUndefined();
    // A glitch that outlived the confirmation: the pre-drop 700 is still a candidate, so the recovery is 3 pieces.
    expect(t.offer({ raw: 703, at: 4_000, sourceTime: 0 })).toMatchObject({ type: 'count', step: 'glitch', delta: 3 });
  });

  it('holds an implausible increase with its readings, limit and elapsed time, and counts on from the new raw', () => {
    const t = tracker({}, 2);
    t.offer({ raw: 1_000, at: 0, sourceTime: 1_000 });
    // 10 s at 2 s per piece, 1.5 x, + 5: 12 pieces at most.
    expect(t.offer({ raw: 1_500, at: 10_000, sourceTime: 11_000 })).toEqual({
      type: 'hold',
      reason: 'implausible_rate',
      delta: 500,
      limit: 12,
      elapsedMs: 10_000,
      raw: 1_500,
      readings: [
        { raw: 1_000, at: 0, sourceTime: 1_000 },
        { raw: 1_500, at: 10_000, sourceTime: 11_000 },
      ],
      explanations: [{ kind: 'increase', pieces: 500 }],
    });
    expect(t.offer({ raw: 1_501, at: 12_000, sourceTime: 13_000 })).toMatchObject({ type: 'count', step: 'increase', delta: 1, raw: 1_501 });
  });

  it('holds an implausible glitch recovery and an implausible reset count', () => {
    // 45000 -> 0 -> 46000 within 2 s: back above, but 1000 pieces is no glitch.
    expect(holds(run(tracker(), [45_000, 0, 46_000]))).toMatchObject([{ reason: 'implausible_rate', delta: 1_000 }]);
    expect(holds(run(tracker({ wrap: false }), [45_000, 0, 900]))).toMatchObject([{ reason: 'implausible_rate', delta: 900 }]);
  });

  it('after a restart, judges the first reading against the journal commit and the time since it', () => {
    // Committed 1000 an hour ago at 1 s per piece: 2000 more pieces are plausible, 10000 are not.
    const committed = { raw: 1_000, at: -3_600_000, wallMs: 1_700_000_000_000 };
    const sem = counterSemantics({ dataType: 'UInt32' });
    // More than the capped budget (burstS worth), only the time unseen explains them: decided after dropConfirmMs, in
    // case the first reading is a PLC's uninitialised value.
    const ok = new CounterTracker(sem, 1, committed);
    expect(ok.offer({ raw: 3_000, at: 0, sourceTime: 0 })).toBeUndefined();
    expect(ok.tick(sem.dropConfirmMs)).toMatchObject({ type: 'count', delta: 2_000 });
    const jump = new CounterTracker(sem, 1, committed);
    expect(jump.offer({ raw: 11_000, at: 0, sourceTime: 0 })).toBeUndefined();
    expect(jump.tick(sem.dropConfirmMs)).toMatchObject({
      type: 'hold',
      limit: 5_405,
      readings: [{ raw: 1_000, sourceTime: 1_700_000_000_000 }, { raw: 11_000 }],
    });
  });

  it('sums exactly over a long wrapping sequence at a plausible pace (a counter that cannot be reset)', () => {
    // With a reset possible, a wrap whose pieces differ from a reset's by more than the slack is a hold (below).
    const t = tracker({ dataType: 'UInt16', reset: false }, 0.1);
    let raw = 65_000;
    let sum = 0;
    t.offer({ raw, at: 0, sourceTime: 0 });
    for (let i = 1; i <= 5_000; i++) {
      raw = (raw + ((i * 7) % 13)) % 0x10000;
      const v = t.offer({ raw, at: i * 1_000, sourceTime: 0 });
      if (v?.type === 'count') sum += v.delta;
      expect(v?.type).not.toBe('hold');
    }
    const last = t.tick(10_000_000);
    if (last?.type === 'count') sum += last.delta;
    expect(sum).toBe(Array.from({ length: 5_000 }, (_, i) => ((i + 1) * 7) % 13).reduce((a, b) => a + b, 0));
  });

  it('a commit time after the first reading (a wall clock stepped back over a restart) gives the budget only the slack', () => {
    const sem = counterSemantics({ dataType: 'UInt32' });
    const committed = { raw: 1_000, at: 5_000, wallMs: 0 };
    expect(new CounterTracker(sem, 2, committed).offer({ raw: 1_005, at: 0, sourceTime: 0 })).toMatchObject({ type: 'count', delta: 5 });
    expect(new CounterTracker(sem, 2, committed).offer({ raw: 1_006, at: 0, sourceTime: 0 })).toMatchObject({ type: 'hold', limit: 5 });
  });

  it('credits the server\'s spacing of two readings the gateway took late, up to SERVER_LAG_CREDIT_MS', () => {
    // Sampled 2 s apart by the server, taken 5 ms apart by a backlogged gateway: 20 pieces at 0.1 s each are honest.
    const t = tracker({}, 0.1);
    t.offer({ raw: 100, at: 10_000, sourceTime: 0, serverTime: 50_000 });
    expect(t.offer({ raw: 120, at: 10_005, sourceTime: 0, serverTime: 52_000 })).toMatchObject({ type: 'count', delta: 20 });
    // A server clock jumping an hour buys at most the credit: 1.5 x 5 s / 0.1 s + 5 = 80 pieces.
    const jump = tracker({}, 0.1);
    jump.offer({ raw: 100, at: 10_000, sourceTime: 0, serverTime: 50_000 });
    expect(jump.offer({ raw: 5_000, at: 10_000, sourceTime: 0, serverTime: 3_650_000 })).toMatchObject({ type: 'hold', limit: (1.5 * SERVER_LAG_CREDIT_MS) / 100 + 5, elapsedMs: SERVER_LAG_CREDIT_MS });
  });
});
