import { eq } from 'drizzle-orm';
import { SiteShiftCalendars, type ShiftCalendar } from '../contracts/messages/shift-calendar.js';
import { calendarOf } from '../shifts/calendar-of.js';
import { sites } from '../schema/index.js';
import type { Db } from './client.js';

/**
 * A line's shift calendar as the plant file set it (its own, else its site's, else A/B/C in the site's zone), and
 * whether the site is known. An unknown site answers the default calendar in UTC.
 * @throws ZodError when the stored calendars do not parse (written by the seed, which validated them).
 */
export async function loadLineCalendar(db: Db, site: string, line: string): Promise<{ calendar: ShiftCalendar; siteKnown: boolean }> {
  const [s] = await db.select({ timezone: sites.timezone, shiftCalendars: sites.shiftCalendars }).from(sites).where(eq(sites.code, site));
  return { calendar: calendarOf(s?.shiftCalendars ? SiteShiftCalendars.parse(s.shiftCalendars) : null, line, s?.timezone ?? 'UTC'), siteKnown: s !== undefined };
}
