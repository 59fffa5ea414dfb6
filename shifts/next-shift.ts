import type { ShiftCalendar } from '../contracts/messages/shift-calendar.js';
import type { ShiftInput } from '../contracts/messages/shift.js';
import { shiftSlot } from './calendar-of.js';
import { shiftsBetween } from './shift-of.js';

/** How far ahead a handover looks for the next shift: past a long holiday, not forever. */
export const NEXT_SHIFT_HORIZON_MS = 21 * 24 * 3_600_000;

/**
 * The line's first shift starting at or after `afterMs` (ms since the epoch) under `calendar`, within
 * NEXT_SHIFT_HORIZON_MS; null when none does. What a shift hands over to at its end (workflows/shift-handover.ts).
 * Pure (Intl only).
 * @throws RangeError when the calendar's time zone is unknown.
 */
export function nextShiftOf(calendar: ShiftCalendar, site: string, line: string, afterMs: number): ShiftInput | null {
  const next = shiftsBetween(calendar, afterMs, afterMs + NEXT_SHIFT_HORIZON_MS).find((s) => Date.parse(s.startsAt) >= afterMs);
  return next ? { site, line, ...shiftSlot(next) } : null;
}
