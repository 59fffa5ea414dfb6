import { describe, expect, it } from 'vitest';
import { Debounce } from '../../../../edge/filters/debounce.js';

describe('Debounce', () => {
  it('publishes a state only after it held for the debounce time', () => {
    const d = new Debounce<string>(500);
    expect(d.offer('running', 0)).toBeUndefined();
    expect(d.tick(499)).toBeUndefined();
    expect(d.tick(500)).toEqual({ value: 'running', previous: undefined, at: 0 });
    expect(d.tick(600)).toBeUndefined();
  });

  it('turns a flapping bit into one change', () => {
    const d = new Debounce<string>(500);
    d.offer('running', 0);
    d.tick(500);
    const out = [];
    // Flaps every 100 ms for 2 s, then settles on stopped.
    for (let t = 1_000; t < 3_000; t += 100) {
      d.offer(t % 200 === 0 ? 'stopped' : 'running', t);
      out.push(d.tick(t));
    }
    d.offer('stopped', 3_000);
    for (let t = 3_000; t <= 3_600; t += 50) out.push(d.tick(t));
    expect(out.filter(Boolean)).toEqual([{ value: 'stopped', previous: 'running', at: 3_000 }]);
  });

  it('with 0 ms publishes every change at once and no repeats', () => {
    const d = new Debounce<string>(0);
    expect(d.offer('a', 1)?.value).toBe('a');
    expect(d.offer('a', 2)).toBeUndefined();
    expect(d.offer('b', 3)).toEqual({ value: 'b', previous: 'a', at: 3 });
  });
});
