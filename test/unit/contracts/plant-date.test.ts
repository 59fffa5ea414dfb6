import { describe, expect, it } from 'vitest';
import { laterPeriodStarts, plantDate } from '../../../contracts/plant-date.js';

describe('the plant\'s posting date', () => {
  it('is the plant\'s local date: 19:30 on 31 March in America/Chicago is 31 March, though UTC is already 1 April', () => {
    const at = Date.parse('2026-03-31T19:30:00-05:00'); // CDT
    expect(new Date(at).toISOString().slice(0, 10)).toBe('2026-04-01');
    expect(plantDate(at, 'America/Chicago')).toBe('2026-03-31');
    expect(plantDate(at, 'Europe/Berlin')).toBe('2026-04-01');
  });

  it('lists the first days of the later periods up to the current month, for a posting moved out of a closed period', () => {
    expect(laterPeriodStarts('2026-03-31', '2026-04-02')).toEqual(['2026-04-01']);
    expect(laterPeriodStarts('2025-11-15', '2026-02-10')).toEqual(['2025-12-01', '2026-01-01', '2026-02-01']);
    expect(laterPeriodStarts('2026-04-01', '2026-04-30')).toEqual([]);
  });
});
