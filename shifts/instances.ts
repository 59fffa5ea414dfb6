import type { CalendarVersion, ShiftCalendar } from '../contracts/messages/shift-calendar.js';
import { breakSpan, shiftSpan, WEEKDAYS } from '../contracts/shift-time.js';
import { addDays, daysBetween, utcOfLocal, utcOfLocalDateTime, weekdayIndex } from './local-time.js';

/** An interval of UTC instants, ISO strings (`...Z`): start inclusive, end exclusive. */
export interface UtcInterval {
  startsAt: string;
  endsAt: string;
}

/**
 * One shift as it happens: the calendar's shift on one date. Wire-safe (strings and numbers only).
 * - `date`: local `YYYY-MM-DD` the shift starts on (a night shift belongs to the day it starts).
 * - `startsAt` (inclusive) / `endsAt` (exclusive): UTC ISO instants; their distance is the real length, 7 h or 9 h
 *   for an 8-hour night shift across a DST change.
 * - `crew`: from the rotation, null without one.
 * - `lengthS`: endsAt - startsAt in seconds. `plannedProductionS`: length minus breaks and planned maintenance
 *   (their union, so an overlap of both counts once), in seconds.
 * - `breaks`, `plannedMaintenance`: the intervals inside the shift, clipped to it, in time order.
 */
export interface ShiftInstance extends UtcInterval {
  date: string;
  shiftCode: string;
  crew: string | null;
  lengthS: number;
  plannedProductionS: number;
  breaks: UtcInterval[];
  plannedMaintenance: UtcInterval[];
}

type Window = [number, number];
const iso = (ms: number) => new Date(ms).toISOString();
const mod = (a: number, n: number) => ((a % n) + n) % n;

/** Length in ms of the union of `windows`, each already clipped to one shift. */
function unionMs(windows: Window[]): number {
  let total = 0;
  let reach = -Infinity;
  for (const [s, e] of [...windows].sort((a, b) => a[0] - b[0])) {
    const from = Math.max(s, reach);
    if (e > from) total += e - from;
    reach = Math.max(reach, e);
  }
  return total;
}

/** The crew of `code` on `date` under the rotation, null without one, undefined when the rotation gives it the day off. */
function crewOf(v: CalendarVersion, code: string, date: string): string | null | undefined {
  const r = v.rotation;
  if (!r) return null;
  const days = daysBetween(r.startsOn, date);
  const slot = r.weeks ? r.weeks[mod(Math.floor(days / 7), r.weeks.length)] : r.days![mod(days, r.days!.length)];
  return slot?.[code];
}

/** A date holiday cancels the shifts starting on that date; a range, those starting inside it (local wall clock). */
function isHoliday(cal: ShiftCalendar, date: string, start: string): boolean {
  const local = `${date}T${start}`;
  return cal.holidays.some((h) => (typeof h === 'string' ? h === date : h.from <= local && local < h.to));
}

/** The shifts version `v` of `cal` puts on local `date`, before the versions' `validFrom` bounds are applied. */
function versionShiftsOn(cal: ShiftCalendar, v: CalendarVersion, date: string): ShiftInstance[] {
  const weekday = WEEKDAYS[weekdayIndex(date)]!;
  const out: ShiftInstance[] = [];
  for (const s of v.shifts) {
    if (!(s.days ?? v.workdays).includes(weekday) || isHoliday(cal, date, s.start)) continue;
    const crew = crewOf(v, s.code, date);
    if (crew === undefined) continue;
    const span = shiftSpan(s);
    const start = utcOfLocal(date, span.start, cal.timeZone);
    const end = utcOfLocal(date, span.end, cal.timeZone);
    const clip = ([a, b]: Window): Window | null => (Math.min(b, end) > Math.max(a, start) ? [Math.max(a, start), Math.min(b, end)] : null);
    const breaks = s.breaks
      .map((b) => breakSpan(span, b))
      .map((b) => b && clip([utcOfLocal(date, b.start, cal.timeZone), utcOfLocal(date, b.end, cal.timeZone)]))
      .filter((w): w is Window => w !== null);
    const maintenance = cal.maintenance
      .map((m) => clip([utcOfLocalDateTime(m.from, cal.timeZone), utcOfLocalDateTime(m.to, cal.timeZone)]))
      .filter((w): w is Window => w !== null);
    const toIntervals = (ws: Window[]) => ws.sort((a, b) => a[0] - b[0]).map(([a, b]) => ({ startsAt: iso(a), endsAt: iso(b) }));
    out.push({
      date,
      shiftCode: s.code,
      crew,
      startsAt: iso(start),
      endsAt: iso(end),
      lengthS: (end - start) / 1000,
      plannedProductionS: (end - start - unionMs([...breaks, ...maintenance])) / 1000,
      breaks: toIntervals(breaks),
      plannedMaintenance: toIntervals(maintenance),
    });
  }
  return out;
}

/**
 * Every shift of the calendar that starts on local `date` (`YYYY-MM-DD`), in start order. A version governs the shifts
 * that start at or after its `validFrom` and before the next version's.
 * @throws RangeError when the calendar's time zone is unknown to Intl (the schema refuses such names).
 */
export function shiftsOn(cal: ShiftCalendar, date: string): ShiftInstance[] {
  const bounds = cal.versions.map((v) => Date.parse(v.validFrom));
  const out: ShiftInstance[] = [];
  cal.versions.forEach((v, i) => {
    const from = bounds[i]!;
    const until = bounds[i + 1] ?? Infinity;
    for (const s of versionShiftsOn(cal, v, date)) {
      const t = Date.parse(s.startsAt);
      if (t >= from && t < until) out.push(s);
    }
  });
  return out.sort((a, b) => a.startsAt.localeCompare(b.startsAt));
}

/**
 * The local dates (`YYYY-MM-DD`) whose shifts may touch the local dates `firstDate` to `lastDate`: those and the day
 * before (a shift lasts less than a day, so only the previous day's can run into them).
 */
export function candidateDates(firstDate: string, lastDate: string): string[] {
  const out: string[] = [];
  for (let d = addDays(firstDate, -1); d <= lastDate; d = addDays(d, 1)) out.push(d);
  return out;
}
