import { eq } from 'drizzle-orm';
import { SiteShiftCalendars, type ShiftCalendar } from '../contracts/messages/shift-calendar.js';
import { calendarOf } from '../shifts/calendar-of.js';
import { sites } from '../schema/index.js';
import type { Db } from './client.js';

/**
 * The calendar of `line` from its site's stored calendars (`sites.shift_calendars`, validated at seeding; parsed
 * again so a row written by another version cannot reach routing malformed) and time zone.
 * @throws ZodError when the stored calendars do not parse.
 */
export function storedLineCalendar(stored: unknown, line: string, timeZone: string): ShiftCalendar {
  return calendarOf(stored ? SiteShiftCalendars.parse(stored) : null, line, timeZone);
}

/**
 * A line's shift calendar as the plant file set it (its own, else its site's, else A/B/C in the site's zone), and
 * whether the site is known. An unknown site answers the default calendar in UTC.
 * @throws ZodError when the stored calendars do not parse (written by the seed, which validated them).
 */
export async function loadLineCalendar(db: Db, site: string, line: string): Promise<{ calendar: ShiftCalendar; siteKnown: boolean }> {
  const [s] = await db.select({ timezone: sites.timezone, shiftCalendars: sites.shiftCalendars }).from(sites).where(eq(sites.code, site));
  return { calendar: storedLineCalendar(s?.shiftCalendars, line, s?.timezone ?? 'UTC'), siteKnown: s !== undefined };
}
