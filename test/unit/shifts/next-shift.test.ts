import { describe, expect, it } from 'vitest';
import { ShiftCalendar } from '../../../contracts/messages/shift-calendar.js';
import { defaultShiftCalendar } from '../../../shifts/calendar-of.js';
import { nextShiftOf } from '../../../shifts/next-shift.js';

// What a shift hands over to (the nextShift activity); instants worked out by hand (Berlin is UTC+1 in January).
const three = [
  { code: 'A', start: '06:00', end: '14:00' },
  { code: 'B', start: '14:00', end: '22:00' },
  { code: 'C', start: '22:00', end: '06:00' },
];

describe('nextShiftOf', () => {
  it("follows C with the next day's A, as the workflow input of that line", () => {
    const afterC = Date.parse('2026-01-06T05:00:00Z'); // Monday's C ends Tuesday 06:00 in Berlin
    expect(nextShiftOf(defaultShiftCalendar('Europe/Berlin'), 'plant1', 'line-2', afterC)).toEqual({
      site: 'plant1', line: 'line-2', date: '2026-01-06', shiftCode: 'A', startsAt: '2026-01-06T05:00:00.000Z', endsAt: '2026-01-06T13:00:00.000Z',
    });
  });

  it('crosses a weekend, and finds none in a calendar with no shift within 21 days', () => {
    const weekdays = ShiftCalendar.parse({ timeZone: 'Europe/Berlin', versions: [{ validFrom: '2026-01-01T00:00:00Z', shifts: three, workdays: ['mon', 'tue', 'wed', 'thu', 'fri'] }] });
    const afterFridayC = Date.parse('2026-01-10T05:00:00Z');
    expect(nextShiftOf(weekdays, 'plant1', 'line-2', afterFridayC)).toMatchObject({ date: '2026-01-12', shiftCode: 'A', startsAt: '2026-01-12T05:00:00.000Z' });
    const closed = ShiftCalendar.parse({ timeZone: 'Europe/Berlin', versions: [{ validFrom: '2026-01-01T00:00:00Z', shifts: three, workdays: ['mon'] }], holidays: [{ from: '2026-01-12T00:00', to: '2026-02-10T00:00' }] });
    expect(nextShiftOf(closed, 'plant1', 'line-2', afterFridayC)).toBeNull();
  });
});
