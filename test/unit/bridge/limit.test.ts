import { describe, expect, it } from 'vitest';
import { limiter } from '../../../bridge/limit.js';

describe('limiter', () => {
  it('runs at most max calls at once, the rest in order, and passes results and errors through', async () => {
    const limit = limiter(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const task = (i: number) => limit(async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5));
      running -= 1;
      order.push(i);
      if (i === 3) throw new Error('three');
      return i;
    });
    const results = await Promise.allSettled([0, 1, 2, 3, 4].map(task));
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([0, 1, 2, 'three', 4]);
  });
});
