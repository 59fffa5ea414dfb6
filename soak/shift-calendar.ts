import type { z } from 'zod';
import type { PlantShiftCalendar } from '../contracts/messages/shift-calendar.js';
import { MINUTES_PER_DAY } from '../contracts/shift-time.js';
import { localDateAndMinute, utcOfLocal } from '../shifts/local-time.js';

/** The plant file's form of a site calendar (before the schema's defaults). */
export type SoakCalendar = z.input<typeof PlantShiftCalendar>;

/** Longest soak shift: a calendar's shifts repeat daily, and two of them must fit in a day. */
export const MAX_SOAK_SHIFT_MINUTES = MINUTES_PER_DAY / 2;

const hhmm = (minuteOfDay: number) => {
  const m = ((minuteOfDay % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};

/**
 * A site calendar of short shifts for a soak, so shifts end, close and post their downtime while it runs: shifts of
 * `shiftMinutes` back to back in the site's local wall-clock time, the first starting at the local minute of
 * `fromMs` (rounded down), enough of them to cover `coverMs` after it. A calendar's local times repeat every day,
 * so at most one day of them: a `coverMs` of a day or more gives a whole day of shifts, the last one stretched to
 * the first one's start (longer by 1440 mod `shiftMinutes` minutes), and the pattern then runs day after day. A shift
 * over local midnight ends the next day and belongs to the date it starts on, as every calendar's. The one version
 * is valid from the first shift's start, so nothing earlier is a shift. Shift codes are `S` and the local start
 * (`S2358`), unique within the day. Across a DST change a shift is as long as the wall clock says (an hour more or
 * less).
 * @param o.fromMs the soak's start, ms since the epoch.
 * @param o.coverMs how long after `fromMs` shifts must run (ms).
 * @param o.shiftMinutes whole minutes, 1 to `MAX_SOAK_SHIFT_MINUTES`.
 * @param o.timeZone the site's IANA time zone.
 * @throws RangeError for a shift length out of range or a cover that is not positive; for a time zone Intl does not know.
 */
export function soakShiftCalendar(o: { site: string; timeZone: string; fromMs: number; coverMs: number; shiftMinutes: number }): SoakCalendar {
  const len = o.shiftMinutes;
  if (!Number.isInteger(len) || len < 1 || len > MAX_SOAK_SHIFT_MINUTES) throw new RangeError(`shift length ${len} min: must be a whole number of minutes from 1 to ${MAX_SOAK_SHIFT_MINUTES}`);
  if (!(o.coverMs > 0)) throw new RangeError(`cover ${o.coverMs} ms: must be positive`);
  const { date, minute: first } = localDateAndMinute(o.fromMs, o.timeZone);
  const perDay = Math.floor(MINUTES_PER_DAY / len);
  const count = Math.min(Math.ceil(o.coverMs / (len * 60_000)), perDay);
  const wholeDay = count === perDay;
  const shifts = Array.from({ length: count }, (_, k) => {
    const start = first + k * len;
    const end = wholeDay && k === count - 1 ? first : start + len;
    return { code: `S${hhmm(start).replace(':', '')}`, start: hhmm(start), end: hhmm(end) };
  });
  return { site: o.site, versions: [{ validFrom: new Date(utcOfLocal(date, first, o.timeZone)).toISOString(), shifts }] };
}
