import { describe, expect, it } from 'vitest';
import { shiftOf } from '../../../services/shift-calendar.js';

describe('shiftOf', () => {
  it('places times in the A, B and C shifts of the site time zone', () => {
    expect(shiftOf('2026-01-05T05:30:00Z', 'Europe/Berlin')).toEqual({
      date: '2026-01-05', shiftCode: 'A', startsAt: '2026-01-05T05:00:00.000Z', endsAt: '2026-01-05T13:00:00.000Z',
    });
    expect(shiftOf('2026-01-05T13:00:00Z', 'Europe/Berlin')).toMatchObject({ date: '2026-01-05', shiftCode: 'B' });
    expect(shiftOf('2026-01-05T21:00:00Z', 'Europe/Berlin')).toMatchObject({ date: '2026-01-05', shiftCode: 'C' });
  });

  it('gives the small hours to the night shift of the day before', () => {
    expect(shiftOf('2026-01-06T03:59:59Z', 'Europe/Berlin')).toEqual({
      date: '2026-01-05', shiftCode: 'C', startsAt: '2026-01-05T21:00:00.000Z', endsAt: '2026-01-06T05:00:00.000Z',
    });
  });

  it('follows daylight saving time', () => {
    expect(shiftOf('2026-07-01T04:30:00Z', 'Europe/Berlin')).toMatchObject({ shiftCode: 'A', startsAt: '2026-07-01T04:00:00.000Z' });
  });
});
