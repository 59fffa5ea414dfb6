import { describe, expect, it } from 'vitest';
import { Deadband } from '../../../../edge/filters/deadband.js';

describe('Deadband', () => {
  it('absolute: drops changes inside the band, passes those outside', () => {
    const d = new Deadband({ type: 'absolute', value: 0.5, minIntervalMs: 0 });
    expect(d.offer(20, 0)).toEqual({ value: 20, at: 0 });
    expect(d.offer(20.4, 10)).toBeUndefined();
    expect(d.offer(19.6, 20)).toBeUndefined();
    expect(d.offer(20.6, 30)).toEqual({ value: 20.6, at: 30 });
    // The band moves with the last published value.
    expect(d.offer(20.2, 40)).toBeUndefined();
    expect(d.offer(20.0, 50)).toEqual({ value: 20.0, at: 50 });
  });

  it('percent: the band is a share of the range', () => {
    const d = new Deadband({ type: 'percent', value: 1, minIntervalMs: 0, range: { low: 0, high: 200 } });
    d.offer(50, 0);
    expect(d.offer(51.9, 1)).toBeUndefined();
    expect(d.offer(52.1, 2)?.value).toBe(52.1);
  });

  it('percent without a range is refused', () => {
    expect(() => new Deadband({ type: 'percent', value: 1, minIntervalMs: 0 })).toThrow(/needs a range/);
  });

  it('min interval: a change waits, and the latest waiting value goes out when the interval ends', () => {
    const d = new Deadband({ type: 'absolute', value: 0, minIntervalMs: 1_000 });
    expect(d.offer(1, 0)?.value).toBe(1);
    expect(d.offer(2, 100)).toBeUndefined();
    expect(d.offer(3, 200)).toBeUndefined();
    expect(d.tick(999)).toBeUndefined();
    expect(d.tick(1_000)).toEqual({ value: 3, at: 200 });
    expect(d.tick(1_500)).toBeUndefined();
  });

  it('a waiting value that falls back inside the band is not sent', () => {
    const d = new Deadband({ type: 'absolute', value: 1, minIntervalMs: 1_000 });
    d.offer(10, 0);
    d.offer(12, 100);
    d.offer(10.5, 200);
    expect(d.tick(2_000)).toBeUndefined();
  });
});
