import type { ShiftCalendar } from '../contracts/messages/shift-calendar.js';
import type { ShiftInstance } from './instances.js';
import { utcOfLocalDateTime } from './local-time.js';
import { shiftOf, shiftsBetween } from './shift-of.js';

/** A refused change: `path` into the new calendar (zod's issue path shape), `message` says why. */
export interface CalendarIssue {
  path: Array<string | number>;
  message: string;
}

const DAY_MS = 86_400_000;
// How far back the last closed shift is looked for: longer than any plant's shutdown between two shifts.
const LOOK_BACK_MS = 62 * DAY_MS;

/** Key-order-independent JSON, so a version read back from jsonb equals the one in the file. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

const label = (s: ShiftInstance) => `shift ${s.shiftCode} of ${s.date} (${s.startsAt} to ${s.endsAt})`;

/** The last shift under `cal` that ended at or before `nowMs`, or null when none did in the look-back. */
function lastClosed(cal: ShiftCalendar, nowMs: number): ShiftInstance | null {
  return shiftsBetween(cal, nowMs - LOOK_BACK_MS, nowMs).filter((s) => Date.parse(s.endsAt) <= nowMs).at(-1) ?? null;
}

/**
 * Whether `next` may replace `previous` at the instant `nowMs` (ms since the epoch; the caller's clock, so this
 * stays pure): a calendar changes from a stated time and never changes a shift that has closed. Refused, each with
 * its path into `next`:
 * - a new or changed version whose `validFrom` lies inside or before the last shift that closed by `nowMs`;
 * - a new or changed version whose `validFrom` lies inside a shift of the version before it (it starts at a shift
 *   boundary, so the running shift keeps its length and no two shifts overlap);
 * - a new or changed version that would put a shift between its `validFrom` and `nowMs` that has already ended;
 * - a removed version, or an added or removed holiday or maintenance window, that reaches before that last closed
 *   shift's end;
 * - otherwise, any change to the shift running at `nowMs` (its times, crew, breaks, maintenance, or whether it runs):
 *   it loaded its breaks and maintenance at its start, and the bridge routes its events by the calendar.
 * Versions equal to one of `previous` with the same `validFrom` pass unchanged whatever their time.
 * @param previous what the engine worked to until now (`defaultShiftCalendar` when there was none).
 * @returns the issues, empty when the change is allowed.
 */
export function calendarChangeIssues(previous: ShiftCalendar, next: ShiftCalendar, nowMs: number): CalendarIssue[] {
  const issues: CalendarIssue[] = [];
  const closed = lastClosed(previous, nowMs);
  const closedUntil = closed ? Date.parse(closed.endsAt) : -Infinity;
  const before = (ms: number) => ms < closedUntil;
  // Only called once `before` has found a closed shift.
  const closedWhy = () => `the end of ${label(closed!)}, which has closed (a calendar never changes a closed shift)`;

  const old = new Map(previous.versions.map((v) => [Date.parse(v.validFrom), canonical(v)]));
  next.versions.forEach((v, i) => {
    const from = Date.parse(v.validFrom);
    if (old.get(from) === canonical(v)) return;
    const path = ['versions', i, 'validFrom'];
    if (before(from)) {
      issues.push({ path, message: `${v.validFrom} lies before ${closedWhy()}: choose ${closed!.endsAt} or later` });
      return;
    }
    const others = { ...next, versions: next.versions.filter((_, k) => k !== i) };
    const running = others.versions.length ? shiftsBetween(others, from, from + 1).find((s) => Date.parse(s.startsAt) < from) : undefined;
    if (running)
      issues.push({ path, message: `${v.validFrom} lies inside ${label(running)} of the version before: start a version at a shift boundary, e.g. ${running.endsAt}` });
    const late = from >= nowMs ? undefined : shiftsBetween(next, from, nowMs).find((s) => Date.parse(s.startsAt) >= from && Date.parse(s.endsAt) <= nowMs);
    if (late) issues.push({ path, message: `would put ${label(late)} into the past, where it has already ended; choose a validFrom after now` });
  });
  const kept = new Set(next.versions.map((v) => Date.parse(v.validFrom)));
  previous.versions.forEach((v) => {
    const from = Date.parse(v.validFrom);
    if (!kept.has(from) && before(from)) issues.push({ path: ['versions'], message: `the version valid from ${v.validFrom} was removed, but it starts before ${closedWhy()}` });
  });

  const localStart = (dateTime: string) => utcOfLocalDateTime(dateTime, next.timeZone);
  for (const key of ['holidays', 'maintenance'] as const) {
    const was = new Set(previous[key].map(canonical));
    const is = new Set(next[key].map(canonical));
    next[key].forEach((h, i) => {
      const start = localStart(typeof h === 'string' ? h : h.from);
      if (!was.has(canonical(h)) && before(start)) issues.push({ path: [key, i], message: `added, but it starts before ${closedWhy()}` });
    });
    previous[key].forEach((h) => {
      const start = localStart(typeof h === 'string' ? h : h.from);
      if (!is.has(canonical(h)) && before(start)) issues.push({ path: [key], message: `${canonical(h)} was removed, but it starts before ${closedWhy()}` });
    });
  }
  if (issues.length > 0) return issues;
  const nowIso = new Date(nowMs).toISOString();
  const was = shiftOf(nowIso, previous);
  const will = shiftOf(nowIso, next);
  if (canonical(was) !== canonical(will)) {
    const s = (was ?? will)!;
    const what = !will ? 'would cancel' : !was ? 'would start' : 'would change';
    issues.push({ path: runningBlame(previous, next, s), message: `${what} ${label(s)}, which is running now: a change applies from the running shift's end, ${s.endsAt}, or later` });
  }
  return issues;
}

/** Where in `next` the change to the running shift `s` comes from: a new holiday or maintenance window over it, else a new version. */
function runningBlame(previous: ShiftCalendar, next: ShiftCalendar, s: ShiftInstance): Array<string | number> {
  const [from, to] = [Date.parse(s.startsAt), Date.parse(s.endsAt)];
  const over = (h: string | { from: string; to: string }) =>
    typeof h === 'string' ? h === s.date : utcOfLocalDateTime(h.from, next.timeZone) < to && utcOfLocalDateTime(h.to, next.timeZone) > from;
  for (const key of ['holidays', 'maintenance'] as const) {
    const was = new Set(previous[key].map(canonical));
    const i = next[key].findIndex((h) => !was.has(canonical(h)) && over(h));
    if (i >= 0) return [key, i];
  }
  const old = new Set(previous.versions.map(canonical));
  const v = next.versions.findIndex((x) => !old.has(canonical(x)));
  return v >= 0 ? ['versions', v, 'validFrom'] : ['versions'];
}
