import { describe, expect, it } from 'vitest';
import { counterDelta } from '../../../../edge/filters/counter-delta.js';

const U16 = 0xffff;

describe('counterDelta', () => {
  it('takes the first reading as the baseline', () => expect(counterDelta(undefined, 500, U16)).toEqual({ delta: 0, step: 'baseline' }));
  it('counts an increase', () => expect(counterDelta(500, 512, U16)).toEqual({ delta: 12, step: 'increase' }));
  it('counts nothing for a repeat', () => expect(counterDelta(512, 512, U16)).toEqual({ delta: 0, step: 'same' }));
  it('wraps at the data type max', () => {
    // 65530 -> 65535 is 5, -> 0 is 1 more, -> 3 is 3 more.
    expect(counterDelta(65_530, 3, U16)).toEqual({ delta: 9, step: 'rollover' });
    expect(counterDelta(0xffffffff, 0, 0xffffffff)).toEqual({ delta: 1, step: 'rollover' });
  });
  it('treats a drop mid-range as a reset and counts from zero', () => {
    expect(counterDelta(30_000, 4, U16)).toEqual({ delta: 4, step: 'reset' });
    expect(counterDelta(65_530, 0, U16)).toEqual({ delta: 6, step: 'rollover' });
    expect(counterDelta(65_530, 20_000, U16)).toEqual({ delta: 20_000, step: 'reset' });
  });
  it('sums exactly over a long wrapping sequence', () => {
    let raw = 65_000;
    let prev: number | undefined = raw;
    let sum = 0;
    for (let i = 0; i < 5_000; i++) {
      const made = (i * 7) % 13;
      raw = (raw + made) % (U16 + 1);
      sum += counterDelta(prev, raw, U16).delta;
      prev = raw;
    }
    expect(sum).toBe(Array.from({ length: 5_000 }, (_, i) => (i * 7) % 13).reduce((a, b) => a + b, 0));
  });
});
