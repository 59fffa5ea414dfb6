import type { ShiftCalendar } from '../contracts/messages/shift-calendar.js';
import type { Db } from '../db/client.js';
import { loadLineCalendar } from '../db/line-calendar.js';

/**
 * How long the API keeps a line's calendar: an edit through this API process takes effect at once (`forgetCalendars`),
 * one through another API process or a seed within this time.
 */
export const LINE_CALENDAR_TTL_MS = 30_000;

const caches = new WeakMap<Db, Map<string, { calendar: ShiftCalendar; at: number }>>();

/**
 * A line's calendar, read once per line and TTL, and kept as one object so `shiftOf`'s memo (per calendar object)
 * holds. An unknown site is not kept: it may be seeded later.
 */
export async function lineCalendar(db: Db, site: string, line: string): Promise<ShiftCalendar> {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  const key = `${site}/${line}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < LINE_CALENDAR_TTL_MS) return hit.calendar;
  const { calendar, siteKnown } = await loadLineCalendar(db, site, line);
  if (siteKnown) cache.set(key, { calendar, at: Date.now() });
  return calendar;
}

/** Forgets the calendars of a site's lines: the next read takes them from PostgreSQL. */
export function forgetCalendars(db: Db, site: string): void {
  const cache = caches.get(db);
  for (const key of [...(cache?.keys() ?? [])]) if (key.startsWith(`${site}/`)) cache!.delete(key);
}
