/**
 * The plant's calendar date of an instant, and the months (posting periods) that follow it. Pure, no zod: the
 * work-order workflow fixes a confirmation's posting date with it (in its own clock, so replays and retries keep the
 * date), and the ERP side moves a posting out of a closed period with the same arithmetic.
 *
 * Why the plant's date: SAP takes `PostingDate` as the date the business event happened where it happened; the
 * period (and the books of that month) follow from it. A confirmation at 19:30 in America/Chicago on 31 March is
 * 00:30 UTC on 1 April: UTC would post it into April.
 */

// Building an Intl.DateTimeFormat costs far more than using one: one per zone.
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * `YYYY-MM-DD` of the instant `ms` (milliseconds since the epoch) on the wall calendar of `timeZone` (IANA name).
 * @throws RangeError for a time zone the runtime does not know (the plant file's zod schema checks it first).
 */
export function plantDate(ms: number, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    // en-CA writes dates as YYYY-MM-DD.
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}`;
}

/**
 * The first days of the posting periods after `date` (`YYYY-MM-DD`), up to and including `until` (`YYYY-MM-DD`): the
 * posting dates a posting refused for a closed period is tried at, earliest first. With `periodStarts` (the first
 * day of each period, ascending: a fiscal calendar that is not calendar months, like 4-4-5), those after `date`;
 * without, the first days of the months (SAP's fiscal year variant K4, the simulator's). Empty when no period starts
 * after `date` by `until`.
 */
export function laterPeriodStarts(date: string, until: string, periodStarts?: readonly string[]): string[] {
  if (periodStarts) return periodStarts.filter((s) => s > date && s <= until);
  const [y, m] = date.split('-').map(Number) as [number, number];
  const [uy, um] = until.split('-').map(Number) as [number, number];
  const out: string[] = [];
  for (let i = y * 12 + m; i < uy * 12 + um; i++) out.push(`${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`);
  return out;
}
