import { minutesOf } from '../contracts/shift-time.js';

/**
 * Local wall-clock <-> instant conversion through Intl, which carries the IANA time zone database: the runtime's
 * tz data decides every offset, DST change included. Pure (no clock, no I/O); Temporal's workflow sandbox keeps
 * Intl.DateTimeFormat, so workflow code may call it.
 */

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

/** Local wall-clock parts of the instant `ms` (milliseconds since the epoch) in an IANA zone. */
function localParts(ms: number, timeZone: string) {
  const p = Object.fromEntries(formatter(timeZone).formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return { y: Number(p.year), mo: Number(p.month), d: Number(p.day), h: Number(p.hour), mi: Number(p.minute), s: Number(p.second) };
}

/** `YYYY-MM-DD` and minutes after local midnight of the instant `ms` in `timeZone`. */
export function localDateAndMinute(ms: number, timeZone: string): { date: string; minute: number } {
  const l = localParts(ms, timeZone);
  return { date: ymd(Date.UTC(l.y, l.mo - 1, l.d)), minute: l.h * 60 + l.mi };
}

const ymd = (utcMidnight: number) => new Date(utcMidnight).toISOString().slice(0, 10);
const utcMidnightOf = (date: string) => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));

/**
 * The instant (ms) of the local wall-clock time `minutes` after midnight of `date` (`YYYY-MM-DD`; minutes past 1440
 * run into the following days) in `timeZone`. Two passes settle the offset across a DST change. A local time that
 * does not exist (skipped by a spring-forward change, 02:30 in Berlin on 2026-03-29) comes out one hour later (03:30);
 * one that exists twice (autumn) comes out as its later occurrence. Shift starts and ends at such times are rare;
 * the calendar's usual boundaries (06, 14, 22; 06, 18) never fall in the changed hour in Europe or North America.
 * @throws RangeError for a time zone Intl does not know.
 */
export function utcOfLocal(date: string, minutes: number, timeZone: string): number {
  const wall = utcMidnightOf(date) + minutes * 60_000;
  let guess = wall;
  for (let i = 0; i < 2; i++) {
    const l = localParts(guess, timeZone);
    guess += wall - Date.UTC(l.y, l.mo - 1, l.d, l.h, l.mi, l.s);
  }
  return guess;
}

/**
 * The instant (ms) of a local `YYYY-MM-DDTHH:MM`, or of local midnight of a `YYYY-MM-DD`, in `timeZone` (as
 * `utcOfLocal`).
 */
export const utcOfLocalDateTime = (dateTime: string, timeZone: string): number =>
  utcOfLocal(dateTime.slice(0, 10), dateTime.length > 10 ? minutesOf(dateTime.slice(11, 16)) : 0, timeZone);

/** `date` (`YYYY-MM-DD`) plus `n` calendar days (negative: back). */
export const addDays = (date: string, n: number): string => ymd(utcMidnightOf(date) + n * 86_400_000);

/** Whole calendar days from `from` to `to` (both `YYYY-MM-DD`; negative when `to` is earlier). */
export const daysBetween = (from: string, to: string): number => Math.round((utcMidnightOf(to) - utcMidnightOf(from)) / 86_400_000);

/** ISO weekday index of a date: 0 Monday ... 6 Sunday (as contracts/shift-time.ts `WEEKDAYS`). */
export const weekdayIndex = (date: string): number => (new Date(utcMidnightOf(date)).getUTCDay() + 6) % 7;
