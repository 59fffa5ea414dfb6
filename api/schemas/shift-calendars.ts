import { z } from 'zod';
import { CalendarVersion, ShiftCalendarBody, SiteShiftCalendars } from '../../contracts/messages/shift-calendar.js';
import { Token } from '../../contracts/tokens.js';

export const CalendarSiteParams = z.object({ site: Token });
export const CalendarLineParams = z.object({ site: Token, line: Token });
/** PUT: a whole calendar (versions, holidays, maintenance), as the plant file writes one. */
export const CalendarBody = ShiftCalendarBody;
/** POST .../versions: one more version, applying from its `validFrom`. */
export const VersionBody = CalendarVersion;
export const SiteCalendars = z.object({
  site: z.string(),
  timezone: z.string(),
  /** The site's and its lines' own calendars as stored; absent parts work to the site's, else A/B/C every day. */
  calendars: SiteShiftCalendars,
});
