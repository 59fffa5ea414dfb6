import { describe, expect, it } from 'vitest';
import { shiftDue } from '../../../soak/shifts.js';

const min = 60_000;

describe('the drain\'s wait for shifts', () => {
  it('waits for a shift that ended when its grace runs out within five minutes, not for one running or in a longer grace', () => {
    const at = Date.parse('2026-11-30T13:10:00Z');
    expect(shiftDue(at - min, at, 30_000)).toBe(true);
    expect(shiftDue(at, at, 30_000)).toBe(true);
    expect(shiftDue(at + 1, at, 30_000)).toBe(false);
    // The default hour: a shift ended 55 minutes ago closes in 5: waited for; one ended 54 minutes ago is not.
    expect(shiftDue(at - 55 * min, at, 60 * min)).toBe(true);
    expect(shiftDue(at - 54 * min, at, 60 * min)).toBe(false);
  });
});
