import { describe, expect, it } from 'vitest';
import { PlantShiftCalendar, ShiftCalendar } from '../../../contracts/messages/shift-calendar.js';
import { shiftOf, shiftsBetween } from '../../../shifts/shift-of.js';
import { soakShiftCalendar } from '../../../soak/shift-calendar.js';

const timeZone = 'Europe/Berlin';
/** The generated calendar as the engine reads it: through the plant file's schema, in the site's time zone. */
const engineCalendar = (c: ReturnType<typeof soakShiftCalendar>) => {
  const plant = PlantShiftCalendar.parse(c);
  return ShiftCalendar.parse({ versions: plant.versions, holidays: plant.holidays, maintenance: plant.maintenance, timeZone });
};
const min = 60_000;

describe('soak shift calendar', () => {
  it('puts short shifts back to back from the local minute the soak starts, enough to cover the run', () => {
    // 12:58:30Z is 13:58:30 in Berlin (UTC+1 in November): 10 minutes of 4-minute shifts are 3 shifts.
    const from = Date.parse('2026-11-30T12:58:30Z');
    const c = soakShiftCalendar({ site: 'soak1', timeZone, fromMs: from, coverMs: 10 * min, shiftMinutes: 4 });
    expect(c).toEqual({
      site: 'soak1',
      versions: [{
        validFrom: '2026-11-30T12:58:00.000Z',
        shifts: [{ code: 'S1358', start: '13:58', end: '14:02' }, { code: 'S1402', start: '14:02', end: '14:06' }, { code: 'S1406', start: '14:06', end: '14:10' }],
      }],
    });
    const cal = engineCalendar(c);
    expect(shiftsBetween(cal, from, from + 10 * min).map((s) => [s.date, s.shiftCode, s.startsAt, s.endsAt])).toEqual([
      ['2026-11-30', 'S1358', '2026-11-30T12:58:00.000Z', '2026-11-30T13:02:00.000Z'],
      ['2026-11-30', 'S1402', '2026-11-30T13:02:00.000Z', '2026-11-30T13:06:00.000Z'],
      ['2026-11-30', 'S1406', '2026-11-30T13:06:00.000Z', '2026-11-30T13:10:00.000Z'],
    ]);
    // Before validFrom the pattern is not in force: the same local time a day earlier is no shift.
    expect(shiftOf('2026-11-29T12:59:00Z', cal)).toBeNull();
    expect(shiftOf('2026-11-30T13:10:00Z', cal)).toBeNull();
  });

  it('runs a shift over local midnight into the next day, the date it starts on naming it', () => {
    // 22:57:10Z is 23:57:10 local: 2-minute shifts 23:57, 23:59 (to 00:01 of the 1st) and 00:01 of the 1st.
    const from = Date.parse('2026-11-30T22:57:10Z');
    const c = soakShiftCalendar({ site: 'soak1', timeZone, fromMs: from, coverMs: 5 * min, shiftMinutes: 2 });
    expect(c.versions[0]!.shifts).toEqual([
      { code: 'S2357', start: '23:57', end: '23:59' },
      { code: 'S2359', start: '23:59', end: '00:01' },
      { code: 'S0001', start: '00:01', end: '00:03' },
    ]);
    expect(shiftsBetween(engineCalendar(c), from, from + 6 * min).map((s) => [s.date, s.shiftCode, s.startsAt, s.endsAt])).toEqual([
      ['2026-11-30', 'S2357', '2026-11-30T22:57:00.000Z', '2026-11-30T22:59:00.000Z'],
      ['2026-11-30', 'S2359', '2026-11-30T22:59:00.000Z', '2026-11-30T23:01:00.000Z'],
      ['2026-12-01', 'S0001', '2026-11-30T23:01:00.000Z', '2026-11-30T23:03:00.000Z'],
    ]);
  });

  it('gives a whole day of shifts for a run of a day or more, the last one stretched to the first one\'s start', () => {
    // 13:58 is minute 838: 700 minutes later is 01:38 (minute 98 of the next day); 1440 mod 700 = 40 minutes more
    // make the second shift 740 minutes, back to 13:58.
    const c = soakShiftCalendar({ site: 'soak1', timeZone, fromMs: Date.parse('2026-11-30T12:58:30Z'), coverMs: 2 * 1440 * min, shiftMinutes: 700 });
    expect(c.versions[0]!.shifts).toEqual([{ code: 'S1358', start: '13:58', end: '01:38' }, { code: 'S0138', start: '01:38', end: '13:58' }]);
    expect(shiftOf('2026-12-02T12:57:00Z', engineCalendar(c))?.shiftCode).toBe('S0138');
    const four = soakShiftCalendar({ site: 'soak1', timeZone, fromMs: Date.parse('2026-11-30T12:58:30Z'), coverMs: 1440 * min, shiftMinutes: 4 });
    expect(four.versions[0]!.shifts).toHaveLength(360);
    expect(four.versions[0]!.shifts.at(-1)).toEqual({ code: 'S1354', start: '13:54', end: '13:58' });
    expect(() => engineCalendar(four)).not.toThrow();
  });

  it('refuses a shift length the schema could not hold', () => {
    const o = { site: 'soak1', timeZone, fromMs: 0, coverMs: min };
    expect(() => soakShiftCalendar({ ...o, shiftMinutes: 0 })).toThrow(RangeError);
    expect(() => soakShiftCalendar({ ...o, shiftMinutes: 721 })).toThrow(/from 1 to 720/);
    expect(() => soakShiftCalendar({ ...o, shiftMinutes: 2.5 })).toThrow(RangeError);
  });
});
