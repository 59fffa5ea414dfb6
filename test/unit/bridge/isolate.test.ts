import { describe, expect, it } from 'vitest';
import { applyIsolating, isDataError } from '../../../bridge/isolate.js';

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });
const outOfRange = pgError('22003', 'value "4294922295" is out of range for type integer');

describe('applyIsolating', () => {
  it('applies a clean round in one transaction', async () => {
    const calls: number[][] = [];
    const r = await applyIsolating([0, 1, 2], async (part) => void calls.push(part));
    expect(r).toEqual({ applied: [0, 1, 2], parked: [], retry: [] });
    expect(calls).toEqual([[0, 1, 2]]);
  });

  it('parks only the message whose data the database refuses and applies every other one of its round', async () => {
    const calls: number[][] = [];
    const r = await applyIsolating([0, 1, 2, 3, 4, 5, 6, 7], async (part) => {
      calls.push(part);
      if (part.includes(5)) throw outOfRange;
    });
    expect(r.applied.sort()).toEqual([0, 1, 2, 3, 4, 6, 7]);
    expect(r.parked).toEqual([{ message: 5, error: outOfRange }]);
    expect(r.retry).toEqual([]);
    // A bisection: a few transactions more in this round, not one per message.
    expect(calls.length).toBeLessThanOrEqual(7);
  });

  it('leaves everything to redeliver when the database is away, parking nothing', async () => {
    const down = pgError('57P01', 'terminating connection due to administrator command');
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    for (const err of [down, refused, new Error('Connection terminated unexpectedly')]) {
      const r = await applyIsolating([0, 1, 2], async () => {
        throw err;
      });
      expect(r).toEqual({ applied: [], parked: [], retry: [0, 1, 2], retryError: err });
    }
  });

  it('does not park a message when the database goes away while the round is being split', async () => {
    let up = true;
    const r = await applyIsolating([0, 1, 2, 3], async (part) => {
      if (!up) throw pgError('08006', 'connection failure');
      if (part.includes(3)) {
        up = part.length === 4; // the first attempt fails on data, then the database goes away
        throw outOfRange;
      }
    });
    expect(r.parked).toEqual([]);
    expect([...r.applied, ...r.retry].sort()).toEqual([0, 1, 2, 3]);
  });
});

describe('isDataError', () => {
  it('is true for SQLSTATE classes 22 and 23 only', () => {
    expect(['22003', '22P02', '23505', '23502'].map((c) => isDataError(pgError(c, '')))).toEqual([true, true, true, true]);
    expect(['40001', '40P01', '08006', '57P01', '53300', 'ECONNREFUSED'].map((c) => isDataError(pgError(c, '')))).toEqual([false, false, false, false, false, false]);
    expect(isDataError(new Error('x'))).toBe(false);
    expect(isDataError(null)).toBe(false);
  });
});
