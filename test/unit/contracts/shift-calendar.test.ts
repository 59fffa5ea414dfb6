import { describe, expect, it } from 'vitest';
import { ShiftCalendar } from '../../../contracts/messages/shift-calendar.js';
import { describeIssues } from '../../../contracts/parse.js';

const valid = {
  timeZone: 'Europe/Berlin',
  versions: [{ validFrom: '2026-01-01T06:00:00+01:00', shifts: [{ code: 'A', start: '06:00', end: '14:00' }, { code: 'B', start: '14:00', end: '22:00' }] }],
};
const issuesOf = (patch: (c: typeof valid & Record<string, unknown>) => unknown) => {
  const r = ShiftCalendar.safeParse(patch(structuredClone(valid)));
  return r.success ? [] : describeIssues(r.error);
};
const version = (extra: Record<string, unknown>) => (c: typeof valid) => ({ ...c, versions: [{ ...c.versions[0], ...extra }] });

describe('ShiftCalendar', () => {
  it('accepts a calendar and fills its defaults (every weekday, no breaks, holidays or maintenance)', () => {
    const c = ShiftCalendar.parse(valid);
    expect(c.versions[0]!.workdays).toEqual(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
    expect(c).toMatchObject({ holidays: [], maintenance: [], versions: [{ shifts: [{ breaks: [] }, { breaks: [] }] }] });
  });

  it.each([
    ['a time zone abbreviation', (c: typeof valid) => ({ ...c, timeZone: 'CEST' }), 'timeZone', /unknown time zone "CEST"/],
    ['a local time out of range', version({ shifts: [{ code: 'A', start: '24:00', end: '06:00' }] }), 'versions[0].shifts[0].start', /HH:MM between 00:00 and 23:59/],
    ['a validFrom without offset', version({ validFrom: '2026-01-01T06:00:00' }), 'versions[0].validFrom', /with offset or Z/],
    ['a shift code twice', version({ shifts: [{ code: 'A', start: '06:00', end: '14:00' }, { code: 'A', start: '14:00', end: '22:00' }] }), 'versions[0].shifts[1].code', /used twice/],
    ['a shift code with a colon', version({ shifts: [{ code: 'A:1', start: '06:00', end: '14:00' }] }), 'versions[0].shifts[0].code', /1-16 of/],
    ['a shift that ends where it starts', version({ shifts: [{ code: 'A', start: '06:00', end: '06:00' }] }), 'versions[0].shifts[0].end', /must differ from start/],
    ['overlapping shifts', version({ shifts: [{ code: 'A', start: '06:00', end: '14:30' }, { code: 'B', start: '14:00', end: '22:00' }] }), 'versions[0].shifts[1]', /B \(14:00-22:00\) overlaps shift A/],
    ['a night shift running into the next day\'s first', version({ shifts: [{ code: 'A', start: '06:00', end: '14:00' }, { code: 'N', start: '22:00', end: '07:00' }] }), 'versions[0].shifts[1]', /overlaps shift A \(06:00-14:00\) of the next day/],
    ['a break outside its shift', version({ shifts: [{ code: 'A', start: '06:00', end: '14:00', breaks: [{ start: '13:30', end: '14:30' }] }] }), 'versions[0].shifts[0].breaks[0]', /must lie inside its shift/],
    ['a rotation naming an unknown crew', version({ crews: ['red'], rotation: { startsOn: '2026-01-05', weeks: [{ A: 'blue' }] } }), 'versions[0].rotation.weeks[0].A', /unknown crew blue/],
    ['a rotation naming an unknown shift', version({ crews: ['red'], rotation: { startsOn: '2026-01-05', weeks: [{ C: 'red' }] } }), 'versions[0].rotation.weeks[0].C', /unknown shift C/],
    ['a rotation without crews', version({ rotation: { startsOn: '2026-01-05', weeks: [{ A: 'red' }] } }), 'versions[0].crews', /required with a rotation/],
    ['a rotation with weeks and days', version({ crews: ['red'], rotation: { startsOn: '2026-01-05', weeks: [{ A: 'red' }], days: [{ A: 'red' }] } }), 'versions[0].rotation', /exactly one of weeks/],
    ['versions out of order', (c: typeof valid) => ({ ...c, versions: [...c.versions, { ...c.versions[0], validFrom: '2025-06-01T00:00:00Z' }] }), 'versions[1].validFrom', /must be later than version 0's validFrom/],
    ['a maintenance window that ends before it starts', (c: typeof valid) => ({ ...c, maintenance: [{ from: '2026-02-01T10:00', to: '2026-02-01T08:00' }] }), 'maintenance[0].to', /must be after from/],
    ['a holiday that is no date', (c: typeof valid) => ({ ...c, holidays: ['2026-02-30'] }), 'holidays[0]', /./],
  ])('refuses %s, naming the field', (_what, patch, path, message) => {
    const issues = issuesOf(patch as never);
    expect(issues).toContainEqual({ path, message: expect.stringMatching(message) });
  });
});
