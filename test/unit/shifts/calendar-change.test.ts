import { describe, expect, it } from 'vitest';
import { ShiftCalendar } from '../../../contracts/messages/shift-calendar.js';
import { calendarChangeIssues } from '../../../shifts/calendar-change.js';
import { defaultShiftCalendar } from '../../../shifts/calendar-of.js';

const berlin = defaultShiftCalendar('Europe/Berlin');
const twelve = [{ code: 'D', start: '06:00', end: '18:00' }, { code: 'N', start: '18:00', end: '06:00' }];
const withVersion = (validFrom: string, extra: Record<string, unknown> = {}) =>
  ShiftCalendar.parse({ timeZone: 'Europe/Berlin', versions: [...berlin.versions, { validFrom, shifts: twelve }], ...extra });
const at = (iso: string) => Date.parse(iso);

describe('calendarChangeIssues', () => {
  // Monday 6 April 2026 06:00 CEST = 04:00Z, where C of Sunday ends and A would start.
  const monday = '2026-04-06T06:00:00+02:00';

  it('takes a version that applies from a shift boundary after now', () => {
    expect(calendarChangeIssues(berlin, withVersion(monday), at('2026-04-01T10:00:00Z'))).toEqual([]);
  });

  it('refuses a version from before a closed shift, naming the shift and the earliest time', () => {
    // At 12:30Z on the 6th, A (04:00Z-12:00Z) has closed under the old calendar.
    const issues = calendarChangeIssues(berlin, withVersion(monday), at('2026-04-06T12:30:00Z'));
    expect(issues).toEqual([{
      path: ['versions', 1, 'validFrom'],
      message: expect.stringMatching(/^2026-04-06T06:00:00\+02:00 lies before the end of shift A of 2026-04-06 \(2026-04-06T04:00:00.000Z to 2026-04-06T12:00:00.000Z\), which has closed.*choose 2026-04-06T12:00:00.000Z or later$/),
    }]);
  });

  it('refuses a version that starts inside a shift of the version before', () => {
    const issues = calendarChangeIssues(berlin, withVersion('2026-04-06T08:00:00+02:00'), at('2026-04-01T10:00:00Z'));
    expect(issues).toEqual([{ path: ['versions', 1, 'validFrom'], message: expect.stringContaining('inside shift A of 2026-04-06') }]);
  });

  it('refuses a version that would place an already ended shift in a gap before now', () => {
    // The old calendar has no shift on weekends; the new one starts Saturday 06:00 with a shift that ended at 16:00Z.
    const weekdays = ShiftCalendar.parse({
      timeZone: 'Europe/Berlin',
      versions: [{ validFrom: '2026-01-01T00:00:00Z', shifts: [{ code: 'A', start: '06:00', end: '14:00' }], workdays: ['mon', 'tue', 'wed', 'thu', 'fri'] }],
    });
    const next = ShiftCalendar.parse({ ...weekdays, versions: [...weekdays.versions, { validFrom: '2026-04-04T06:00:00+02:00', shifts: twelve }] });
    const issues = calendarChangeIssues(weekdays, next, at('2026-04-04T17:00:00Z'));
    expect(issues).toEqual([{ path: ['versions', 1, 'validFrom'], message: expect.stringContaining('would put shift D of 2026-04-04') }]);
  });

  it('keeps a version that has been in force unchanged, whatever the time', () => {
    const cal = withVersion(monday);
    expect(calendarChangeIssues(cal, structuredClone(cal), at('2026-09-01T00:00:00Z'))).toEqual([]);
  });

  it('refuses a holiday or maintenance window added into closed shifts, takes one ahead', () => {
    const now = at('2026-04-06T12:30:00Z');
    expect(calendarChangeIssues(berlin, { ...berlin, holidays: ['2026-04-06'] }, now)).toEqual([
      { path: ['holidays', 0], message: expect.stringContaining('added, but it starts before the end of shift A of 2026-04-06') },
    ]);
    expect(calendarChangeIssues(berlin, { ...berlin, holidays: ['2026-04-07'], maintenance: [{ from: '2026-04-06T22:30', to: '2026-04-06T23:30' }] }, now)).toEqual([]);
  });

  it('refuses a change to the running shift, naming what changes it and from when it may apply', () => {
    // 12:30Z on the 6th is 14:30 CEST: B (12:00Z-20:00Z) runs.
    const now = at('2026-04-06T12:30:00Z');
    const why = /shift B of 2026-04-06 \(2026-04-06T12:00:00.000Z to 2026-04-06T20:00:00.000Z\), which is running now: a change applies from the running shift's end, 2026-04-06T20:00:00.000Z, or later$/;
    expect(calendarChangeIssues(berlin, { ...berlin, maintenance: [{ from: '2026-04-06T15:00', to: '2026-04-06T17:00' }] }, now)).toEqual([
      { path: ['maintenance', 0], message: expect.stringMatching(new RegExp(`^would change ${why.source}`)) },
    ]);
    expect(calendarChangeIssues(berlin, { ...berlin, holidays: [{ from: '2026-04-06T14:00', to: '2026-04-06T22:00' }] }, now)).toEqual([
      { path: ['holidays', 0], message: expect.stringMatching(new RegExp(`^would cancel ${why.source}`)) },
    ]);
    // A version from B's end is taken; B keeps its length.
    expect(calendarChangeIssues(berlin, withVersion('2026-04-06T22:00:00+02:00'), now)).toEqual([]);
  });
});
