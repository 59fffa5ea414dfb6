import type { CalendarVersion, ShiftCalendar, SiteShiftCalendars } from '../contracts/messages/shift-calendar.js';
import type { ShiftInput } from '../contracts/messages/shift.js';
import { WEEKDAYS } from '../contracts/shift-time.js';

/** The pattern the engine always had: A 06-14, B 14-22, C 22-06 every day, no breaks, no crews. */
const THREE_SHIFTS: CalendarVersion = {
  validFrom: '1970-01-01T00:00:00Z',
  shifts: [
    { code: 'A', start: '06:00', end: '14:00', breaks: [] },
    { code: 'B', start: '14:00', end: '22:00', breaks: [] },
    { code: 'C', start: '22:00', end: '06:00', breaks: [] },
  ],
  workdays: [...WEEKDAYS],
};

// One object per zone, so shiftOf's memo (keyed by the calendar object) survives across calls.
const defaults = new Map<string, ShiftCalendar>();

/**
 * The calendar of a site whose plant file names none: A/B/C in the site's IANA `timeZone`, every day since 1970.
 * The same object for the same zone on every call.
 */
export function defaultShiftCalendar(timeZone: string): ShiftCalendar {
  let c = defaults.get(timeZone);
  if (!c) defaults.set(timeZone, (c = { timeZone, versions: [THREE_SHIFTS], holidays: [], maintenance: [] }));
  return c;
}

/**
 * The calendar a line works to: the line's own, else its site's, else the default, read in the site's `timeZone`.
 * `stored` is the site's `SiteShiftCalendars` (already validated) or null. A new object per call except for the
 * default: callers keep the result per line for as long as the stored calendars do not change.
 */
export function calendarOf(stored: SiteShiftCalendars | null, line: string, timeZone: string): ShiftCalendar {
  const own = stored?.lines[line] ?? stored?.site;
  return own ? { ...own, timeZone } : defaultShiftCalendar(timeZone);
}

/** The shift workflow's part of a shift instance (`ShiftInput` without site and line); `crew` only when there is one. */
export function shiftSlot(s: { date: string; shiftCode: string; startsAt: string; endsAt: string; crew: string | null }): Omit<ShiftInput, 'site' | 'line'> {
  return { date: s.date, shiftCode: s.shiftCode, startsAt: s.startsAt, endsAt: s.endsAt, ...(s.crew === null ? {} : { crew: s.crew }) };
}
