/**
 * Wall-clock arithmetic of shift calendars that both the calendar's schema (contracts/messages/shift-calendar.ts)
 * and the shift computation (shifts/) need. Pure and without zod, so workflow code may import it.
 */

/** Minutes of a nominal day; a shift span past it runs into the next date. */
export const MINUTES_PER_DAY = 1440;

/**
 * The shift code machine_counts files counts under when no shift runs (weekends, holidays): such pieces still count
 * for the order. `-` can never be a calendar's shift code (contracts/messages/shift-calendar.ts `ShiftCode`).
 */
export const OFF_SHIFT = '-';

/**
 * How long after its end a shift still takes late events (seconds) unless the plant says otherwise
 * (`MES_SHIFT_LATE_GRACE_S`): an hour covers an edge buffer emptying after a network outage.
 */
export const DEFAULT_SHIFT_LATE_GRACE_S = 3600;

/** Weekdays as the calendar names them, Monday first (ISO 8601): index 0 is Monday. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** A span in minutes from local midnight of a shift's date; `end` may pass 1440 (the next day). */
export interface MinuteSpan {
  start: number;
  end: number;
}

/** Minutes after local midnight of an `HH:MM` (already validated). */
export const minutesOf = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** A shift's span: an end at or before the start is on the next day (22:00-06:00 is 1320-1800). */
export function shiftSpan(s: { start: string; end: string }): MinuteSpan {
  const start = minutesOf(s.start);
  const end = minutesOf(s.end);
  return { start, end: end <= start ? end + MINUTES_PER_DAY : end };
}

/**
 * A break's span on its shift's timeline (a break at 02:00 in a 22-06 shift is 1560-...), or null when it does not
 * lie inside the shift.
 */
export function breakSpan(shift: MinuteSpan, b: { start: string; end: string }): MinuteSpan | null {
  let start = minutesOf(b.start);
  if (start < shift.start) start += MINUTES_PER_DAY;
  let end = minutesOf(b.end);
  while (end <= start) end += MINUTES_PER_DAY;
  return start >= shift.start && end <= shift.end ? { start, end } : null;
}
