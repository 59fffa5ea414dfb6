import { eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { CalendarVersion, ShiftCalendarBody } from '../../contracts/messages/shift-calendar.js';
import { SiteShiftCalendars } from '../../contracts/messages/shift-calendar.js';
import { CalendarEditRefused, editShiftCalendar, type CalendarPlace } from '../../db/calendar-edit.js';
import { httpError } from '../../http/problem.js';
import { sites } from '../../schema/index.js';
import { audit } from '../audit.js';
import { READERS, type Role } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { forgetCalendars } from '../line-calendars.js';
import { CalendarBody, CalendarLineParams, CalendarSiteParams, SiteCalendars, VersionBody } from '../schemas/shift-calendars.js';

/** An edit: the new calendar from the current one, and the body's name of a path into the new calendar. */
interface Change {
  next: (current: ShiftCalendarBody) => ShiftCalendarBody;
  field: (path: string) => string;
}

/** Who edits shift calendars: planners (the API has no admin role; a planner token scoped to a site edits that site). */
const EDITORS: Role[] = ['planner'];

/**
 * Shift calendars as master data through the API (docs/shift-calendars.md): read a site's, replace a site's or a
 * line's whole calendar, or add one version. Validated by the plant file's schema, checked against closed shifts
 * (shifts/calendar-change.ts), audited as `shift-calendar`, in effect at once for the engine's readers.
 */
export function shiftCalendarRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const { db } = deps;

  /** Runs one edit: 404 for an unknown place, 409 naming the field of a change that would reach a closed shift. */
  const edit = async (req: Parameters<typeof audit>[1], place: CalendarPlace, what: string, change: Change, body: unknown) => {
    const target = place.line === undefined ? place.site : `${place.site}/${place.line}`;
    try {
      await editShiftCalendar(db, place, change.next, Date.now(), () => audit(db, req, 'shift-calendar', target, { what, body }));
    } catch (err) {
      if (!(err instanceof CalendarEditRefused)) throw err;
      const detail = err.issues.map((i) => `${change.field(i.path)}: ${i.message}`).join('; ');
      throw httpError(err.kind === 'notFound' ? 404 : 409, `shift calendar of ${target} not changed: ${detail}`);
    }
    forgetCalendars(db, place.site);
    return siteCalendars(place.site);
  };
  const siteCalendars = async (site: string) => {
    const [row] = await db.select({ timezone: sites.timezone, calendars: sites.shiftCalendars }).from(sites).where(eq(sites.code, site));
    if (!row) throw httpError(404, `unknown site ${site}`);
    return { site, timezone: row.timezone, calendars: SiteShiftCalendars.parse(row.calendars ?? {}) };
  };
  const replace = (body: ShiftCalendarBody): Change => ({ next: () => body, field: (path) => path });
  // One more version after the current ones: its issues name the body's own fields (`validFrom`), not the calendar's.
  const addVersion = (v: CalendarVersion): Change => {
    let index = -1;
    return {
      next: (c) => {
        const last = c.versions.at(-1)!;
        if (Date.parse(v.validFrom) <= Date.parse(last.validFrom))
          throw httpError(409, `validFrom: must be later than the current last version's validFrom ${last.validFrom} (replace the calendar with PUT to change a version)`);
        index = c.versions.length;
        return { ...c, versions: [...c.versions, v] };
      },
      field: (path) => (path.startsWith(`versions[${index}].`) ? path.slice(`versions[${index}].`.length) : path),
    };
  };
  const summary = (s: string) => ({ tags: ['shift-calendars'], summary: s, response: { 200: SiteCalendars } });

  return async (app) => {
    app.get('/shift-calendars/:site', {
      schema: { params: CalendarSiteParams, ...summary("A site's shift calendars as stored: the site's and its lines' own") },
      config: { roles: READERS },
    }, async (req) => siteCalendars(req.params.site));

    app.put('/shift-calendars/:site', {
      schema: { params: CalendarSiteParams, body: CalendarBody, ...summary("Replace the site's calendar (every line without its own works to it)") },
      config: { roles: EDITORS },
    }, async (req) => edit(req, { site: req.params.site }, 'replace', replace(req.body), req.body));

    app.put('/shift-calendars/:site/lines/:line', {
      schema: { params: CalendarLineParams, body: CalendarBody, ...summary("Replace a line's own calendar") },
      config: { roles: EDITORS },
    }, async (req) => edit(req, req.params, 'replace', replace(req.body), req.body));

    app.post('/shift-calendars/:site/versions', {
      schema: { params: CalendarSiteParams, body: VersionBody, ...summary("Add a version to the site's calendar, applying from its validFrom") },
      config: { roles: EDITORS },
    }, async (req) => edit(req, { site: req.params.site }, 'add-version', addVersion(req.body), req.body));

    app.post('/shift-calendars/:site/lines/:line/versions', {
      schema: {
        params: CalendarLineParams, body: VersionBody,
        ...summary("Add a version to a line's calendar, applying from its validFrom (a line without its own starts from the one it works to)"),
      },
      config: { roles: EDITORS },
    }, async (req) => edit(req, req.params, 'add-version', addVersion(req.body), req.body));
  };
}
