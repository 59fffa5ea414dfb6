import type { LineContext } from '../activities/master-data.js';
import { reportWhenOf } from '../contracts/downtime-report.js';
import type { ShiftDowntimeResult, ShiftInput } from '../contracts/messages/shift.js';
import type { ClassifiedStop } from '../oee/classify.js';
import { isPosted, postRecords, recordOf, type PostedEarlier } from './shift-downtime.js';

/** What continue-as-new carries of the stops posted when they closed. */
export interface StopPostsCarry {
  /** Stop ids in sequence-number order: the stop at index i was posted under key `<workflow id>#<i + 1>`. */
  ids: string[];
  posted: number;
  problems: string[];
}

/**
 * The stops a shift posts when they close (reasons or sites configured `when: stop-end`, docs/downtime-oee.md): each
 * takes the next sequence number of the shift's key scheme (`<shift workflow id>#<n>`) when it is posted, and the
 * shift's close posts the rest after them (workflows/shift-downtime.ts `postClassifiedDowntime` with `earlier`), so
 * no stop is posted twice and a replay derives the same keys. `dirty` is set by the signal handlers when states or
 * reasons change, so the shift looks for closed stops only then.
 */
export class StopPosts {
  dirty = false;
  private readonly ids: string[];
  private posted: number;
  private readonly problems: string[];

  constructor(carry?: StopPostsCarry) {
    this.ids = carry?.ids ?? [];
    this.posted = carry?.posted ?? 0;
    this.problems = carry?.problems ?? [];
  }

  /** The stops taken so far, for the close. */
  earlier(): PostedEarlier {
    return { ids: new Set(this.ids), count: this.ids.length };
  }

  /**
   * Posts every stop that closed within the shift, asks for `stop-end` and was not posted yet. A refused record is
   * named in the problems (never retried), as at the close; any other failure is retried by Temporal.
   */
  async postClosed(s: ShiftInput, line: LineContext, stops: ReadonlyArray<ClassifiedStop>, notifications: boolean): Promise<void> {
    const siteWhen = line.downtime?.erpReportWhen;
    const taken = new Set(this.ids);
    const due = stops.filter((x) => x.endedMs !== null && isPosted(x, notifications) && reportWhenOf(x.erp, siteWhen) === 'stop-end' && !taken.has(x.id));
    if (due.length === 0 || !line.plant) return;
    const records = due.map((x) => {
      this.ids.push(x.id);
      return recordOf(x, this.ids.length);
    });
    const result: ShiftDowntimeResult = { records: records.length, posted: 0, totalMinutes: '0', problems: [] };
    await postRecords(s, line.plant, records, result);
    this.posted += result.posted;
    this.problems.push(...result.problems);
  }

  /** Adds what was posted when the stops closed to the close's result. */
  merge(atClose: ShiftDowntimeResult): ShiftDowntimeResult {
    return { ...atClose, posted: atClose.posted + this.posted, problems: [...this.problems, ...atClose.problems] };
  }

  /** Nothing for a shift that posted no stop early, so the carries of other shifts keep their shape. */
  carry(): { stopPosts?: StopPostsCarry } {
    return this.ids.length > 0 ? { stopPosts: { ids: [...this.ids], posted: this.posted, problems: [...this.problems] } } : {};
  }
}

/** Whether any stop of the site may be posted when it closes: else the shift never looks. */
export const postsAnyAtStopEnd = (line: LineContext | null): boolean => {
  const master = line?.downtime;
  if (!master) return false;
  return master.categories.some((c) => c.reasons.some((r) => r.erp && reportWhenOf(r.erp, master.erpReportWhen) === 'stop-end')) ||
    // The default report of an unplanned breakdown is a malfunction report, sent when the site says.
    master.erpReportWhen === 'stop-end';
};
