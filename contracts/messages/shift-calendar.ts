import { z } from 'zod';
import { breakSpan, MINUTES_PER_DAY, shiftSpan, WEEKDAYS } from '../shift-time.js';
import { TimeZone, Token } from '../tokens.js';

// A shift calendar as master data, one schema for the plant file (producer) and the engine (consumer). Times are
// local wall-clock times of the site's time zone; only `validFrom` is an instant, because a version has to take
// effect at one moment everywhere. The arithmetic lives in shifts/ (pure, no zod, so workflows can use it).

/** `HH:MM` local time, 00:00-23:59. */
export const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time HH:MM between 00:00 and 23:59');

/** `YYYY-MM-DD` local date. */
export const LocalDate = z.iso.date({ error: 'must be a date YYYY-MM-DD' });

/** `YYYY-MM-DDTHH:MM` local date-time, without offset: the site's time zone gives it its instant. */
export const LocalDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/, "must be a local date-time YYYY-MM-DDTHH:MM without offset (the site's time zone applies)")
  .refine((v) => LocalDate.safeParse(v.slice(0, 10)).success, 'must name a real calendar day');

/** Shift codes end up in workflow ids (`shift:<site>:<line>:<date>:<code>`): no `:`; case is kept (A, B, C). */
export const ShiftCode = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,15}$/, 'must be 1-16 of A-Z, a-z, 0-9, _ and -, starting with a letter or digit');

/** A crew (team, Schicht-Gruppe) as people call it: free text. */
export const CrewName = z.string().min(1, 'must not be empty').max(40, 'must be at most 40 characters');

/** A weekday as calendars name it: `mon` ... `sun` (contracts/shift-time.ts `WEEKDAYS`). */
export const Weekday = z.enum(WEEKDAYS);

const Break = z.object({ start: LocalTime, end: LocalTime });

const Shift = z.object({
  code: ShiftCode,
  /** Local start; the shift belongs to the date it starts on. */
  start: LocalTime,
  /** Local end; at or before `start` means the next day (22:00-06:00). */
  end: LocalTime,
  /** Unpaid, planned stops inside the shift (local times); they are not planned production time. */
  breaks: z.array(Break).default([]),
  /** Weekdays (of the date the shift starts on) it runs; absent: the version's `workdays`. */
  days: z.array(Weekday).min(1).optional(),
});

/**
 * Which crew works which shift: slot `i` maps shift codes to crews; a shift code missing from a slot does not run
 * then (the crews' days off). `weeks`: slot = week of the cycle, counted in whole weeks from `startsOn`; `days`:
 * slot = day of the cycle (2-2-3 and other day-based patterns). Exactly one of them.
 */
const Rotation = z
  .object({
    /** First day of slot 0. */
    startsOn: LocalDate,
    weeks: z.array(z.record(ShiftCode, CrewName)).min(1).max(52).optional(),
    days: z.array(z.record(ShiftCode, CrewName)).min(1).max(366).optional(),
  })
  .refine((r) => (r.weeks === undefined) !== (r.days === undefined), 'give exactly one of weeks (a weekly cycle) or days (a daily cycle)');

/** One pattern of shifts, in force from `validFrom` until the next version's. */
export const CalendarVersion = z
  .object({
    /** The instant the version applies from (ISO with offset or Z): shifts starting at or after it follow it. */
    validFrom: z.iso.datetime({ offset: true, error: 'must be an ISO date-time with offset or Z, e.g. 2026-04-06T06:00:00+02:00' }),
    shifts: z.array(Shift).min(1),
    /** Weekdays with production (of the date a shift starts on); absent: every day. */
    workdays: z.array(Weekday).min(1).default([...WEEKDAYS]),
    /** The crews the rotation names. */
    crews: z.array(CrewName).min(1).optional(),
    rotation: Rotation.optional(),
  })
  .superRefine((v, ctx) => {
    const issue = (path: Array<string | number>, message: string) => ctx.addIssue({ code: 'custom', path, message });
    const codes = new Set<string>();
    v.shifts.forEach((s, i) => {
      if (codes.has(s.code)) issue(['shifts', i, 'code'], `shift code ${s.code} is used twice`);
      codes.add(s.code);
      if (s.start === s.end) issue(['shifts', i, 'end'], 'must differ from start (a shift lasts less than 24 hours)');
      checkBreaks(s, (j, message) => issue(['shifts', i, 'breaks', j], message));
    });
    checkOverlaps(v, issue);
    if (!v.rotation) return;
    const crews = new Set(v.crews ?? []);
    if (!v.crews) issue(['crews'], 'required with a rotation: list the crews it names');
    const slots = v.rotation.weeks ?? v.rotation.days ?? [];
    const key = v.rotation.weeks ? 'weeks' : 'days';
    slots.forEach((slot, i) =>
      Object.entries(slot).forEach(([code, crew]) => {
        if (!codes.has(code)) issue(['rotation', key, i, code], `unknown shift ${code} (the version's shifts: ${[...codes].join(', ')})`);
        if (v.crews && !crews.has(crew)) issue(['rotation', key, i, code], `unknown crew ${crew} (crews: ${v.crews.join(', ')})`);
      }),
    );
  });
export type CalendarVersion = z.infer<typeof CalendarVersion>;
type ShiftDef = CalendarVersion['shifts'][number];

function checkBreaks(s: ShiftDef, issue: (j: number, message: string) => void): void {
  const span = shiftSpan(s);
  const taken: Array<{ start: number; end: number }> = [];
  s.breaks.forEach((b, j) => {
    const bs = breakSpan(span, b);
    if (!bs) return issue(j, `break ${b.start}-${b.end} must lie inside its shift ${s.start}-${s.end}`);
    if (taken.some((t) => bs.start < t.end && t.start < bs.end)) issue(j, `break ${b.start}-${b.end} overlaps another break of shift ${s.code}`);
    taken.push(bs);
  });
}

/**
 * Two shifts that run on neighbouring or equal days must not overlap: a moment belongs to one shift. A night shift
 * (22-06) is compared with the next day's shifts too.
 */
function checkOverlaps(v: Pick<CalendarVersion, 'shifts' | 'workdays'>, issue: (path: Array<string | number>, message: string) => void): void {
  const days = (s: ShiftDef) => new Set((s.days ?? v.workdays).map((d) => WEEKDAYS.indexOf(d)));
  v.shifts.forEach((a, i) =>
    v.shifts.forEach((b, j) => {
      if (j <= i) return;
      const sa = shiftSpan(a);
      const sb = shiftSpan(b);
      const da = days(a);
      const db = days(b);
      for (const k of [-1, 0, 1]) {
        const shifted = { start: sb.start + k * MINUTES_PER_DAY, end: sb.end + k * MINUTES_PER_DAY };
        const sameWeek = [...da].some((d) => db.has((d + k + 7) % 7));
        if (sameWeek && sa.start < shifted.end && shifted.start < sa.end) {
          issue(['shifts', j], `shift ${b.code} (${b.start}-${b.end}) overlaps shift ${a.code} (${a.start}-${a.end})${k ? ` of the ${k > 0 ? 'previous' : 'next'} day` : ''}`);
          return;
        }
      }
    }),
  );
}

const Range = z
  .object({ from: LocalDateTime, to: LocalDateTime, note: z.string().max(200).optional() })
  .refine((r) => r.from < r.to, { path: ['to'], message: 'must be after from' });

/**
 * What a calendar holds apart from the site's time zone: versions (ascending `validFrom`), days without production
 * (a date: every shift that starts on it; a range: every shift that starts inside it) and planned maintenance
 * (taken out of the planned production time of the shifts it overlaps).
 */
export const ShiftCalendarBody = z.object({
  versions: z
    .array(CalendarVersion)
    .min(1)
    .superRefine((vs, ctx) =>
      vs.forEach((v, i) => {
        if (i > 0 && Date.parse(v.validFrom) <= Date.parse(vs[i - 1]!.validFrom))
          ctx.addIssue({ code: 'custom', path: [i, 'validFrom'], message: `must be later than version ${i - 1}'s validFrom ${vs[i - 1]!.validFrom}` });
      }),
    ),
  holidays: z.array(z.union([LocalDate, Range])).default([]),
  maintenance: z.array(Range).default([]),
});
export type ShiftCalendarBody = z.infer<typeof ShiftCalendarBody>;

/** A calendar with the time zone its local times are read in: what shifts/ computes with. */
export const ShiftCalendar = ShiftCalendarBody.extend({ timeZone: TimeZone });
export type ShiftCalendar = z.infer<typeof ShiftCalendar>;

/** A calendar in the plant file: for a site, or for one line of it (overriding the site's). */
export const PlantShiftCalendar = ShiftCalendarBody.extend({ site: Token, line: Token.optional() });
export type PlantShiftCalendar = z.infer<typeof PlantShiftCalendar>;

/** A site's calendars as stored with the site (sites.shift_calendars): the site's and the lines' own. */
export const SiteShiftCalendars = z.object({
  site: ShiftCalendarBody.optional(),
  lines: z.record(Token, ShiftCalendarBody).default({}),
});
export type SiteShiftCalendars = z.infer<typeof SiteShiftCalendars>;
