import type { ShiftInput } from '../contracts/messages/shift.js';

const SHIFTS = [
  { code: 'A', startHour: 6 },
  { code: 'B', startHour: 14 },
  { code: 'C', startHour: 22 },
] as const;
const SHIFT_HOURS = 8;

/**
 * Which shift a moment belongs to, in the site's own time zone: A 06-14, B 14-22, C 22-06 (C belongs to the date it
 * starts on). Late events are placed by their source time, so they land in the shift they happened in.
 * The shift workflow's input (`ShiftInput`) without site and line, its code one of the calendar's: `startsAt`
 * (inclusive) and `endsAt` (exclusive) are UTC ISO instants (`...Z`), 8 hours apart except across a DST change.
 */
export type ShiftSlot = Pick<ShiftInput, 'date' | 'startsAt' | 'endsAt'> & { shiftCode: (typeof SHIFTS)[number]['code'] };

// Building an Intl.DateTimeFormat costs far more than using one: one per zone.
const formatters = new Map<string, Intl.DateTimeFormat>();
const formatter = (timeZone: string) => {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
};

/** Local wall-clock parts of an instant in a time zone. */
function localParts(ms: number, timeZone: string) {
  const f = formatter(timeZone);
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return { y: Number(p.year), mo: Number(p.month), d: Number(p.day), h: Number(p.hour), mi: Number(p.minute), s: Number(p.second) };
}

/** The UTC instant of a local wall-clock time (two passes settle DST offsets). */
function utcOfLocal(y: number, mo: number, d: number, h: number, timeZone: string): number {
  let guess = Date.UTC(y, mo - 1, d, h);
  for (let i = 0; i < 2; i++) {
    const l = localParts(guess, timeZone);
    const asUtc = Date.UTC(l.y, l.mo - 1, l.d, l.h, l.mi, l.s);
    guess += Date.UTC(y, mo - 1, d, h) - asUtc;
  }
  return guess;
}

// Shift boundaries fall on whole minutes in every zone (offsets are multiples of 15 minutes): memoize per minute.
const slots = new Map<string, ShiftSlot>();
const SLOT_CACHE_LIMIT = 10_000;

/**
 * The shift an instant belongs to at a site. Pure (no I/O); results are memoized per zone and minute.
 * @param sourceTime ISO 8601 date-time with offset or `Z` (an event's source time, or now).
 * @param timeZone IANA zone of the site, e.g. `Europe/Berlin`: the site's `timezone`, which only enters through the
 *   plant file, where `TimeZone` (contracts/tokens.ts) refuses a name Intl does not know.
 * @throws RangeError when `sourceTime` does not parse ("Invalid time value") or `timeZone` is unknown.
 */
export function shiftOf(sourceTime: string, timeZone: string): ShiftSlot {
  const ms = Date.parse(sourceTime);
  const key = `${timeZone}|${Math.floor(ms / 60_000)}`;
  const hit = slots.get(key);
  if (hit) return hit;
  const slot = computeShift(ms, timeZone);
  if (slots.size >= SLOT_CACHE_LIMIT) slots.clear();
  slots.set(key, slot);
  return slot;
}

function computeShift(ms: number, timeZone: string): ShiftSlot {
  const l = localParts(ms, timeZone);
  let day = { y: l.y, mo: l.mo, d: l.d };
  let shift: (typeof SHIFTS)[number];
  if (l.h < SHIFTS[0].startHour) {
    // Before 06:00 belongs to the previous day's night shift.
    const prev = new Date(Date.UTC(l.y, l.mo - 1, l.d - 1));
    day = { y: prev.getUTCFullYear(), mo: prev.getUTCMonth() + 1, d: prev.getUTCDate() };
    shift = SHIFTS[2];
  } else {
    shift = [...SHIFTS].reverse().find((s) => l.h >= s.startHour)!;
  }
  const start = utcOfLocal(day.y, day.mo, day.d, shift.startHour, timeZone);
  const end = utcOfLocal(day.y, day.mo, day.d, shift.startHour + SHIFT_HOURS, timeZone);
  const date = `${day.y}-${String(day.mo).padStart(2, '0')}-${String(day.d).padStart(2, '0')}`;
  return { date, shiftCode: shift.code, startsAt: new Date(start).toISOString(), endsAt: new Date(end).toISOString() };
}
