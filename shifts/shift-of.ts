import type { ShiftCalendar } from '../contracts/messages/shift-calendar.js';
import { candidateDates, shiftsOn, type ShiftInstance } from './instances.js';
import { localDateAndMinute } from './local-time.js';

// Shift boundaries fall on whole local minutes and every zone's offset is a whole number of minutes: the shift of an
// instant is the shift of its minute. The bridge asks per event, so remember per calendar (an object that is
// replaced when the calendar changes, so a stale entry cannot outlive it) and minute, and the last shift found
// (events come in time order, mostly from the shift that runs).
const memo = new WeakMap<ShiftCalendar, Map<number, ShiftInstance | null>>();
const last = new WeakMap<ShiftCalendar, { instance: ShiftInstance; from: number; until: number }>();
const MEMO_LIMIT = 10_000;

/**
 * The shift an instant belongs to under a calendar. Pure (Intl only); memoized per calendar object and minute.
 * @param sourceTime ISO 8601 date-time with offset or `Z` (an event's source time, or now).
 * @param calendar the calendar of the event's line (shifts/calendar-of.ts picks it), time zone included.
 * @returns the shift instance, or null when no shift runs then (a weekend, a holiday, a gap between shifts, a
 *   crew's day off).
 * @throws RangeError when `sourceTime` does not parse ("Invalid time value") or the calendar's time zone is unknown.
 */
export function shiftOf(sourceTime: string, calendar: ShiftCalendar): ShiftInstance | null {
  const ms = Date.parse(sourceTime);
  if (Number.isNaN(ms)) throw new RangeError(`Invalid time value: ${sourceTime}`);
  const minute = Math.floor(ms / 60_000);
  let byMinute = memo.get(calendar);
  if (!byMinute) memo.set(calendar, (byMinute = new Map()));
  const hit = byMinute.get(minute);
  if (hit !== undefined) return hit;
  const at = minute * 60_000;
  const running = last.get(calendar);
  if (running && running.from <= at && at < running.until) return running.instance;
  const { date } = localDateAndMinute(ms, calendar.timeZone);
  const found = candidateDates(date, date)
    .flatMap((d) => shiftsOn(calendar, d))
    .find((s) => Date.parse(s.startsAt) <= at && at < Date.parse(s.endsAt)) ?? null;
  if (found) last.set(calendar, { instance: found, from: Date.parse(found.startsAt), until: Date.parse(found.endsAt) });
  // Per minute too: late events of the previous shift, mixed with the running one's, would otherwise recompute.
  if (byMinute.size >= MEMO_LIMIT) byMinute.clear();
  byMinute.set(minute, found);
  return found;
}

/**
 * Every shift that overlaps the instants `fromMs` (inclusive) to `toMs` (exclusive), milliseconds since the epoch,
 * in start order. Pure; not memoized (a schedule asks once per range).
 * @throws RangeError when `toMs` is before `fromMs` or the calendar's time zone is unknown.
 */
export function shiftsBetween(calendar: ShiftCalendar, fromMs: number, toMs: number): ShiftInstance[] {
  if (!(toMs >= fromMs)) throw new RangeError(`shiftsBetween: toMs ${toMs} is before fromMs ${fromMs}`);
  const first = localDateAndMinute(fromMs, calendar.timeZone).date;
  const last = localDateAndMinute(toMs, calendar.timeZone).date;
  return candidateDates(first, last)
    .flatMap((d) => shiftsOn(calendar, d))
    .filter((s) => Date.parse(s.endsAt) > fromMs && Date.parse(s.startsAt) < toMs);
}
