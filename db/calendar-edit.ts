import { eq, sql } from 'drizzle-orm';
import { SiteShiftCalendars, type ShiftCalendarBody } from '../contracts/messages/shift-calendar.js';
import { SHIFT_CALENDARS_CHANNEL } from '../contracts/names.js';
import { issuePath } from '../contracts/parse.js';
import { calendarChangeIssues } from '../shifts/calendar-change.js';
import { calendarOf } from '../shifts/calendar-of.js';
import { lines, sites } from '../schema/index.js';
import type { Db } from './client.js';

/** Whose calendar: a site's (every line without its own works to it), or one line's own. */
export interface CalendarPlace {
  site: string;
  line?: string;
}

/** Why an edit was not taken: `notFound` (no such site or line) or `refused` (it would change a closed shift). */
export class CalendarEditRefused extends Error {
  override readonly name = 'CalendarEditRefused';
  constructor(
    readonly kind: 'notFound' | 'refused',
    readonly issues: Array<{ path: string; message: string }>,
  ) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  }
}

/** The place's own calendar in the stored calendars; undefined when it has none (a line then works to its site's). */
export function ownCalendar(stored: SiteShiftCalendars | null, place: CalendarPlace): ShiftCalendarBody | undefined {
  return place.line === undefined ? stored?.site : stored?.lines[place.line];
}

/**
 * Replaces the place's calendar with `next(current)` in one transaction (the site's row locked), checked like a seeded
 * change (shifts/calendar-change.ts) against every line it governs, at `nowMs`: it applies from the versions'
 * `validFrom`, never to a closed shift. Taken, it is stored with the site and `NOTIFY shift_calendars` tells the
 * running bridges and APIs to read it again (the shift starter reads it each minute, the activities on every call).
 * @param next the new calendar from the current one (the place's own, else the one it works to: its site's or A/B/C).
 * @param accepted called once the change passed its checks, before it is written (the caller's audit).
 * @returns the site's calendars as stored now.
 * @throws CalendarEditRefused `notFound` for an unknown site or line, `refused` with each issue's path into the new
 *   calendar (`versions[1].validFrom`, `maintenance[0]`) and why.
 */
export async function editShiftCalendar(
  db: Db,
  place: CalendarPlace,
  next: (current: ShiftCalendarBody) => ShiftCalendarBody,
  nowMs: number,
  accepted: () => Promise<void> = async () => {},
): Promise<SiteShiftCalendars> {
  return db.transaction(async (tx) => {
    const [site] = await tx.select({ timezone: sites.timezone, calendars: sites.shiftCalendars }).from(sites).where(eq(sites.code, place.site)).for('update');
    if (!site) throw new CalendarEditRefused('notFound', [{ path: 'site', message: `unknown site ${place.site}` }]);
    const siteLines = (await tx.select({ code: lines.code }).from(lines).where(eq(lines.siteCode, place.site))).map((l) => l.code).sort();
    if (place.line !== undefined && !siteLines.includes(place.line))
      throw new CalendarEditRefused('notFound', [{ path: 'line', message: `unknown line ${place.line} in site ${place.site}` }]);
    const before = site.calendars ? SiteShiftCalendars.parse(site.calendars) : null;
    const body = next(ownCalendar(before, place) ?? worksTo(before, place.line, site.timezone));
    const after: SiteShiftCalendars = place.line === undefined
      ? { ...(before ?? { lines: {} }), site: body }
      : { ...(before ?? {}), lines: { ...(before?.lines ?? {}), [place.line]: body } };
    // The lines whose calendar this is: the line, or every line of the site without its own.
    const governed = place.line !== undefined ? [place.line] : siteLines.filter((l) => !before?.lines[l]);
    // One issue per path and reason, with the lines it holds for when a site's calendar governs several.
    const issues = new Map<string, { path: string; message: string; lines: string[] }>();
    for (const l of governed)
      for (const issue of calendarChangeIssues(calendarOf(before, l, site.timezone), calendarOf(after, l, site.timezone), nowMs)) {
        const path = issuePath(issue.path);
        const key = `${path}|${issue.message}`;
        const known = issues.get(key);
        if (known) known.lines.push(l);
        else issues.set(key, { path, message: issue.message, lines: [l] });
      }
    if (issues.size > 0)
      throw new CalendarEditRefused('refused', [...issues.values()].map((i) => ({
        path: i.path,
        message: place.line === undefined ? `${i.message} (line${i.lines.length > 1 ? 's' : ''} ${i.lines.join(', ')})` : i.message,
      })));
    await accepted();
    await tx.update(sites).set({ shiftCalendars: after }).where(eq(sites.code, place.site));
    await tx.execute(sql`select pg_notify(${SHIFT_CALENDARS_CHANNEL}, ${place.site})`);
    return after;
  });
}

/** The calendar a place without its own works to (a line: its site's, else A/B/C; a site: A/B/C), as its start. */
function worksTo(stored: SiteShiftCalendars | null, line: string | undefined, timeZone: string): ShiftCalendarBody {
  // A line name no line has: the site's calendar, else the default.
  const c = calendarOf(stored && line === undefined ? { lines: {} } : stored, line ?? '', timeZone);
  return { versions: c.versions, holidays: c.holidays, maintenance: c.maintenance };
}
