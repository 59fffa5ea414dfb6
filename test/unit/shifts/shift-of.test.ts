import { describe, expect, it } from 'vitest';
import { ShiftCalendar } from '../../../contracts/messages/shift-calendar.js';
import { defaultShiftCalendar } from '../../../shifts/calendar-of.js';
import { shiftOf, shiftsBetween } from '../../../shifts/shift-of.js';

// Every expected instant below is worked out by hand from the zones' rules (EU: clocks change at 01:00 UTC on the
// last Sunday of March and October; US: at 02:00 local on the second Sunday of March and the first of November).
const H = 3600;
const berlin = defaultShiftCalendar('Europe/Berlin');
const newYork = defaultShiftCalendar('America/New_York');
const calendar = (body: Record<string, unknown>, timeZone = 'Europe/Berlin') => ShiftCalendar.parse({ timeZone, ...body });
const three = [
  { code: 'A', start: '06:00', end: '14:00' },
  { code: 'B', start: '14:00', end: '22:00' },
  { code: 'C', start: '22:00', end: '06:00' },
];

describe('the default calendar (no calendar in the plant file)', () => {
  it('keeps A 06-14, B 14-22, C 22-06 in the site zone, the night shift on the day it starts', () => {
    expect(shiftOf('2026-01-05T05:30:00Z', berlin)).toMatchObject({
      date: '2026-01-05', shiftCode: 'A', crew: null, startsAt: '2026-01-05T05:00:00.000Z', endsAt: '2026-01-05T13:00:00.000Z', lengthS: 8 * H, plannedProductionS: 8 * H,
    });
    expect(shiftOf('2026-01-06T03:59:59Z', berlin)).toMatchObject({ date: '2026-01-05', shiftCode: 'C', startsAt: '2026-01-05T21:00:00.000Z', endsAt: '2026-01-06T05:00:00.000Z' });
    expect(shiftOf('2026-07-01T04:30:00Z', berlin)).toMatchObject({ shiftCode: 'A', startsAt: '2026-07-01T04:00:00.000Z' });
  });

  it.each([
    // Berlin, spring: 22:00 CET (+1) to 06:00 CEST (+2) is 7 hours.
    [berlin, '2026-03-29T03:00:00Z', '2026-03-28', '2026-03-28T21:00:00.000Z', '2026-03-29T04:00:00.000Z', 7 * H],
    // Berlin, autumn: 22:00 CEST (+2) to 06:00 CET (+1) is 9 hours.
    [berlin, '2026-10-25T03:00:00Z', '2026-10-24', '2026-10-24T20:00:00.000Z', '2026-10-25T05:00:00.000Z', 9 * H],
    // New York, spring: 22:00 EST (-5) to 06:00 EDT (-4).
    [newYork, '2026-03-08T08:00:00Z', '2026-03-07', '2026-03-08T03:00:00.000Z', '2026-03-08T10:00:00.000Z', 7 * H],
    // New York, autumn: 22:00 EDT (-4) to 06:00 EST (-5).
    [newYork, '2026-11-01T08:00:00Z', '2026-10-31', '2026-11-01T02:00:00.000Z', '2026-11-01T11:00:00.000Z', 9 * H],
  ])('gives a night shift across a DST change its real length (%#)', (cal, at, date, startsAt, endsAt, lengthS) => {
    expect(shiftOf(at, cal)).toMatchObject({ date, shiftCode: 'C', startsAt, endsAt, lengthS, plannedProductionS: lengthS });
  });

  it('lists the shifts of a range, the changed night among them', () => {
    // A of the 24th (CEST) ends at 12:00Z, where the range starts: not in it. A of the 25th (CET) starts at 05:00Z.
    const got = shiftsBetween(berlin, Date.parse('2026-10-24T12:00:00Z'), Date.parse('2026-10-25T06:00:00Z'));
    expect(got.map((s) => [s.date, s.shiftCode, s.lengthS])).toEqual([
      ['2026-10-24', 'B', 8 * H], ['2026-10-24', 'C', 9 * H], ['2026-10-25', 'A', 8 * H],
    ]);
  });

  it('remembers per calendar: the shift last found, and each minute asked for', () => {
    const cal = defaultShiftCalendar('Europe/Vienna');
    const a = shiftOf('2026-01-05T05:30:10Z', cal);
    expect(shiftOf('2026-01-05T05:30:50Z', cal)).toBe(a);
    expect(shiftOf('2026-01-05T12:59:00Z', cal)).toBe(a);
    expect(shiftOf('2026-01-04T22:00:00Z', cal)).toMatchObject({ date: '2026-01-04', shiftCode: 'C' });
    expect(shiftOf('2026-01-05T05:30:10Z', cal)).toBe(a);
  });

  it('refuses a time that does not parse', () => {
    expect(() => shiftOf('yesterday', berlin)).toThrow(RangeError);
  });
});

describe('patterns', () => {
  const twelve = calendar({ versions: [{ validFrom: '2026-01-01T00:00:00Z', shifts: [{ code: 'D', start: '06:00', end: '18:00' }, { code: 'N', start: '18:00', end: '06:00' }] }] });

  it('two 12-hour shifts, the night one 13 hours when the clocks go back', () => {
    expect(shiftOf('2026-01-14T16:59:00Z', twelve)).toMatchObject({ date: '2026-01-14', shiftCode: 'D', startsAt: '2026-01-14T05:00:00.000Z', endsAt: '2026-01-14T17:00:00.000Z', lengthS: 12 * H });
    expect(shiftOf('2026-01-15T02:00:00Z', twelve)).toMatchObject({ date: '2026-01-14', shiftCode: 'N', lengthS: 12 * H });
    // 18:00 CEST = 16:00Z on the 24th to 06:00 CET = 05:00Z on the 25th.
    expect(shiftOf('2026-10-25T04:00:00Z', twelve)).toMatchObject({ date: '2026-10-24', shiftCode: 'N', startsAt: '2026-10-24T16:00:00.000Z', endsAt: '2026-10-25T05:00:00.000Z', lengthS: 13 * H });
  });

  it('a 4-crew rotation over 4 weeks: each crew works each shift one week and is off the fourth', () => {
    const rotating = calendar({
      versions: [{
        validFrom: '2025-12-01T00:00:00Z',
        shifts: three,
        crews: ['red', 'blue', 'green', 'yellow'],
        rotation: {
          startsOn: '2026-01-05', // a Monday
          weeks: [
            { A: 'red', B: 'blue', C: 'green' }, // yellow off
            { A: 'yellow', B: 'red', C: 'blue' }, // green off
            { A: 'green', B: 'yellow', C: 'red' }, // blue off
            { A: 'blue', B: 'green', C: 'yellow' }, // red off
          ],
        },
      }],
    });
    const crew = (at: string) => shiftOf(at, rotating)?.crew;
    expect(crew('2026-01-07T06:00:00Z')).toBe('red'); // Wed of week 0, A (07:00 local)
    expect(crew('2026-01-14T14:00:00Z')).toBe('red'); // week 1 (9 days on), B
    // Sunday 25 January 23:00 local: 20 days on, week 2, C.
    expect(crew('2026-01-25T22:00:00Z')).toBe('red');
    // Monday 2 February: 28 days on, week 4 = week 0 of the next cycle.
    expect(crew('2026-02-02T06:00:00Z')).toBe('red');
    // Thursday 1 January, before startsOn: -4 days is week -1, i.e. week 3 of the cycle before.
    expect(crew('2026-01-01T06:00:00Z')).toBe('blue');
    // The night shift of Sunday 11 January (week 0) runs into Monday of week 1 and keeps its crew.
    expect(shiftOf('2026-01-12T03:00:00Z', rotating)).toMatchObject({ date: '2026-01-11', shiftCode: 'C', crew: 'green' });
    const weekOne = shiftsBetween(rotating, Date.parse('2026-01-12T05:00:00Z'), Date.parse('2026-01-19T05:00:00Z'));
    expect(weekOne).toHaveLength(21);
    expect(new Set(weekOne.map((s) => s.crew))).toEqual(new Set(['yellow', 'red', 'blue']));
  });

  it('a shift missing from a rotation slot does not run', () => {
    const offDays = calendar({ versions: [{ validFrom: '2026-01-01T00:00:00Z', shifts: three, crews: ['x'], rotation: { startsOn: '2026-01-05', days: [{ A: 'x' }, {}] } }] });
    expect(shiftOf('2026-01-05T06:00:00Z', offDays)).toMatchObject({ shiftCode: 'A', crew: 'x' });
    expect(shiftOf('2026-01-05T14:00:00Z', offDays)).toBeNull(); // B is in no slot
    expect(shiftOf('2026-01-06T06:00:00Z', offDays)).toBeNull(); // day 1 of the cycle: nobody
  });

  it('breaks and planned maintenance reduce planned production time, an overlap of both once', () => {
    const withBreaks = calendar({
      versions: [{ validFrom: '2026-01-01T00:00:00Z', shifts: [{ code: 'A', start: '06:00', end: '14:00', breaks: [{ start: '09:00', end: '09:30' }, { start: '12:00', end: '12:15' }] }] }],
      maintenance: [{ from: '2026-01-14T11:00', to: '2026-01-14T13:00' }],
    });
    // 8 h - 30 min - 15 min.
    expect(shiftOf('2026-01-13T06:00:00Z', withBreaks)).toMatchObject({
      plannedProductionS: 8 * H - 1800 - 900,
      breaks: [{ startsAt: '2026-01-13T08:00:00.000Z', endsAt: '2026-01-13T08:30:00.000Z' }, { startsAt: '2026-01-13T11:00:00.000Z', endsAt: '2026-01-13T11:15:00.000Z' }],
      plannedMaintenance: [],
    });
    // Maintenance 10:00Z-12:00Z covers the second break: 8 h - 30 min - 2 h.
    expect(shiftOf('2026-01-14T06:00:00Z', withBreaks)).toMatchObject({
      plannedProductionS: 8 * H - 1800 - 2 * H,
      plannedMaintenance: [{ startsAt: '2026-01-14T10:00:00.000Z', endsAt: '2026-01-14T12:00:00.000Z' }],
    });
  });

  it('a break after midnight in a night shift', () => {
    const night = calendar({ versions: [{ validFrom: '2026-01-01T00:00:00Z', shifts: [{ code: 'C', start: '22:00', end: '06:00', breaks: [{ start: '02:00', end: '02:30' }] }] }] });
    expect(shiftOf('2026-01-13T23:00:00Z', night)).toMatchObject({
      date: '2026-01-13', plannedProductionS: 8 * H - 1800, breaks: [{ startsAt: '2026-01-14T01:00:00.000Z', endsAt: '2026-01-14T01:30:00.000Z' }],
    });
  });

  it('a break in the hour a spring-forward night skips is taken an hour later, and the shift is 7 hours', () => {
    const night = calendar({ versions: [{ validFrom: '2026-01-01T00:00:00Z', shifts: [{ code: 'C', start: '22:00', end: '06:00', breaks: [{ start: '02:00', end: '02:30' }] }] }] });
    // 02:00-02:30 does not exist in Berlin on 2026-03-29: 03:00-03:30 CEST, 01:00Z-01:30Z.
    expect(shiftOf('2026-03-28T23:00:00Z', night)).toMatchObject({
      date: '2026-03-28', lengthS: 7 * H, plannedProductionS: 7 * H - 1800, breaks: [{ startsAt: '2026-03-29T01:00:00.000Z', endsAt: '2026-03-29T01:30:00.000Z' }],
    });
  });

  it('no shift on weekends and holidays; a night shift started the day before still runs', () => {
    const weekdays = calendar({
      versions: [{ validFrom: '2026-01-01T00:00:00Z', shifts: three, workdays: ['mon', 'tue', 'wed', 'thu', 'fri'] }],
      holidays: ['2026-12-25', { from: '2026-12-31T14:00', to: '2027-01-02T06:00' }],
    });
    expect(shiftOf('2026-01-17T10:00:00Z', weekdays)).toBeNull(); // Saturday
    expect(shiftOf('2026-01-17T03:00:00Z', weekdays)).toMatchObject({ date: '2026-01-16', shiftCode: 'C' }); // Friday's night
    expect(shiftOf('2026-12-25T10:00:00Z', weekdays)).toBeNull();
    expect(shiftOf('2026-12-25T04:00:00Z', weekdays)).toMatchObject({ date: '2026-12-24', shiftCode: 'C' });
    expect(shiftOf('2026-12-31T10:00:00Z', weekdays)).toMatchObject({ shiftCode: 'A' }); // before the range
    expect(shiftOf('2026-12-31T14:00:00Z', weekdays)).toBeNull(); // B starts inside it
    expect(shiftOf('2027-01-02T06:00:00Z', weekdays)).toBeNull(); // a Saturday anyway
    expect(shiftOf('2027-01-01T10:00:00Z', weekdays)).toBeNull();
  });

  it('a version applies from its validFrom; the shift before it keeps its length', () => {
    const changing = calendar({
      versions: [
        { validFrom: '1970-01-01T00:00:00Z', shifts: three },
        { validFrom: '2026-04-06T06:00:00+02:00', shifts: [{ code: 'D', start: '06:00', end: '18:00' }, { code: 'N', start: '18:00', end: '06:00' }] },
      ],
    });
    // C of Sunday 5 April: 22:00 CEST = 20:00Z to 06:00 CEST = 04:00Z.
    expect(shiftOf('2026-04-06T03:59:00Z', changing)).toMatchObject({ date: '2026-04-05', shiftCode: 'C', endsAt: '2026-04-06T04:00:00.000Z' });
    expect(shiftOf('2026-04-06T04:00:00Z', changing)).toMatchObject({ date: '2026-04-06', shiftCode: 'D', endsAt: '2026-04-06T16:00:00.000Z' });
    expect(shiftOf('2026-04-05T16:00:00Z', changing)).toMatchObject({ shiftCode: 'B' });
  });
});

describe('change nights: America/New_York (02:00 local on 2026-03-08 and 2026-11-01), and Berlin\'s spring night in 12-hour shifts', () => {
  const row = (s: { date: string; shiftCode: string; startsAt: string; endsAt: string; lengthS: number }) => [s.date, s.shiftCode, s.startsAt, s.endsAt, s.lengthS];
  const between = (cal: ShiftCalendar, from: string, to: string) => shiftsBetween(cal, Date.parse(from), Date.parse(to)).map(row);

  it('three 8-hour shifts: the night of the change 7 hours in spring, 9 in autumn; the shifts around it 8', () => {
    // EST is UTC-5, EDT UTC-4: A of the 7th 06:00 EST = 11:00Z; A of the 8th 06:00 EDT = 10:00Z.
    expect(between(newYork, '2026-03-07T11:00:00Z', '2026-03-08T18:00:00Z')).toEqual([
      ['2026-03-07', 'A', '2026-03-07T11:00:00.000Z', '2026-03-07T19:00:00.000Z', 8 * H],
      ['2026-03-07', 'B', '2026-03-07T19:00:00.000Z', '2026-03-08T03:00:00.000Z', 8 * H],
      ['2026-03-07', 'C', '2026-03-08T03:00:00.000Z', '2026-03-08T10:00:00.000Z', 7 * H],
      ['2026-03-08', 'A', '2026-03-08T10:00:00.000Z', '2026-03-08T18:00:00.000Z', 8 * H],
    ]);
    // B of 31 October 14:00 EDT = 18:00Z; C 22:00 EDT = 02:00Z to 06:00 EST = 11:00Z.
    expect(between(newYork, '2026-10-31T18:00:00Z', '2026-11-01T19:00:00Z')).toEqual([
      ['2026-10-31', 'B', '2026-10-31T18:00:00.000Z', '2026-11-01T02:00:00.000Z', 8 * H],
      ['2026-10-31', 'C', '2026-11-01T02:00:00.000Z', '2026-11-01T11:00:00.000Z', 9 * H],
      ['2026-11-01', 'A', '2026-11-01T11:00:00.000Z', '2026-11-01T19:00:00.000Z', 8 * H],
    ]);
    // 01:30 local happens twice on 1 November (EDT 05:30Z, then EST 06:30Z): both are the same night shift.
    expect(shiftOf('2026-11-01T05:30:00Z', newYork)).toMatchObject({ date: '2026-10-31', shiftCode: 'C' });
    expect(shiftOf('2026-11-01T06:30:00Z', newYork)).toMatchObject({ date: '2026-10-31', shiftCode: 'C' });
  });

  it('two 12-hour shifts: the night shift 11 hours in spring and 13 in autumn, the day shifts 12', () => {
    const twelve = calendar({ versions: [{ validFrom: '2026-01-01T00:00:00Z', shifts: [{ code: 'D', start: '06:00', end: '18:00' }, { code: 'N', start: '18:00', end: '06:00' }] }] }, 'America/New_York');
    // 18:00 EST = 23:00Z on the 7th to 06:00 EDT = 10:00Z on the 8th.
    expect(between(twelve, '2026-03-07T11:00:00Z', '2026-03-08T22:00:00Z')).toEqual([
      ['2026-03-07', 'D', '2026-03-07T11:00:00.000Z', '2026-03-07T23:00:00.000Z', 12 * H],
      ['2026-03-07', 'N', '2026-03-07T23:00:00.000Z', '2026-03-08T10:00:00.000Z', 11 * H],
      ['2026-03-08', 'D', '2026-03-08T10:00:00.000Z', '2026-03-08T22:00:00.000Z', 12 * H],
    ]);
    // 18:00 EDT = 22:00Z on 31 October to 06:00 EST = 11:00Z on 1 November.
    expect(between(twelve, '2026-10-31T10:00:00Z', '2026-11-01T23:00:00Z')).toEqual([
      ['2026-10-31', 'D', '2026-10-31T10:00:00.000Z', '2026-10-31T22:00:00.000Z', 12 * H],
      ['2026-10-31', 'N', '2026-10-31T22:00:00.000Z', '2026-11-01T11:00:00.000Z', 13 * H],
      ['2026-11-01', 'D', '2026-11-01T11:00:00.000Z', '2026-11-01T23:00:00.000Z', 12 * H],
    ]);
  });

  it('two 12-hour shifts in Berlin: the spring night 11 hours', () => {
    const twelve = calendar({ versions: [{ validFrom: '2026-01-01T00:00:00Z', shifts: [{ code: 'D', start: '06:00', end: '18:00' }, { code: 'N', start: '18:00', end: '06:00' }] }] });
    // 18:00 CET = 17:00Z on the 28th to 06:00 CEST = 04:00Z on the 29th.
    expect(shiftOf('2026-03-29T03:00:00Z', twelve)).toMatchObject({ date: '2026-03-28', shiftCode: 'N', startsAt: '2026-03-28T17:00:00.000Z', endsAt: '2026-03-29T04:00:00.000Z', lengthS: 11 * H });
    expect(shiftOf('2026-03-29T04:00:00Z', twelve)).toMatchObject({ date: '2026-03-29', shiftCode: 'D', lengthS: 12 * H });
  });

  it('a 4-crew rotation over 4 weeks across the spring change: 84 shifts, 21 per crew, the crew on the short night 1 hour less', () => {
    const rotating = calendar({
      versions: [{
        validFrom: '2026-01-01T00:00:00Z',
        shifts: three,
        crews: ['red', 'blue', 'green', 'yellow'],
        rotation: {
          startsOn: '2026-02-23', // a Monday; week 1 (2-8 March) holds the change night
          weeks: [
            { A: 'red', B: 'blue', C: 'green' }, // yellow off
            { A: 'yellow', B: 'red', C: 'blue' }, // green off
            { A: 'green', B: 'yellow', C: 'red' }, // blue off
            { A: 'blue', B: 'green', C: 'yellow' }, // red off
          ],
        },
      }],
    }, 'America/New_York');
    // From A of Monday 23 February (06:00 EST = 11:00Z) to the end of C of Sunday 22 March (06:00 EDT = 10:00Z).
    const all = shiftsBetween(rotating, Date.parse('2026-02-23T11:00:00Z'), Date.parse('2026-03-23T10:00:00Z'));
    expect(all).toHaveLength(28 * 3);
    const per = (crew: string) => all.filter((s) => s.crew === crew);
    const hours = (crew: string) => per(crew).reduce((h, s) => h + s.lengthS / H, 0);
    // Each crew works 3 of the 4 weeks, 7 shifts a week, 8 hours each: 168 h; blue's C of Saturday 7 March is 7 h.
    expect(['red', 'blue', 'green', 'yellow'].map((c) => [c, per(c).length, hours(c)])).toEqual([
      ['red', 21, 168], ['blue', 21, 167], ['green', 21, 168], ['yellow', 21, 168],
    ]);
    expect(shiftOf('2026-03-08T08:00:00Z', rotating)).toMatchObject({ date: '2026-03-07', shiftCode: 'C', crew: 'blue', lengthS: 7 * H });
    // Week 1 off: green works none of 2-8 March; week 2 starts Monday 9 March with green on A (06:00 EDT = 10:00Z).
    expect(all.filter((s) => s.date >= '2026-03-02' && s.date <= '2026-03-08' && s.crew === 'green')).toEqual([]);
    expect(shiftOf('2026-03-09T10:00:00Z', rotating)).toMatchObject({ date: '2026-03-09', shiftCode: 'A', crew: 'green' });
  });
});
