import { log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { LineContext } from '../activities/master-data.js';
import type { ShiftDowntimeResult, ShiftInput } from '../contracts/messages/shift.js';
import type { ClassifiedStop } from '../oee/classify.js';
import { ERP_CALLS, refusal } from './activity-options.js';
import { durationMinutes, type DowntimeInterval } from './downtime.js';

/** Downtime records posted side by side; a shift rarely has more than a few dozen. */
const POST_CONCURRENCY = 8;

const erp = proxyActivities<Pick<Activities, 'postDowntime'>>(ERP_CALLS);

/** A record to post: a stretch, the cost center it is charged to, and its posting sequence number. */
export interface DowntimeRecord extends DowntimeInterval {
  costCenter: string;
  seq: number;
  /** Another notification type than the malfunction report, without the breakdown flag (a planned stop's reason). */
  notificationType?: string;
}

/**
 * Posts the records as malfunction reports (ErpPort `postDowntime`), exactly once each (key = workflow id + seq),
 * eight at a time in the given order. A record the ERP refuses is counted in `result.problems`, never retried: it
 * must not keep the shift open, and the MES ledger shows it as rejected.
 */
export async function postRecords(s: ShiftInput, plant: string, records: ReadonlyArray<DowntimeRecord>, result: ShiftDowntimeResult): Promise<void> {
  const { workflowId } = workflowInfo();
  const post = async (i: DowntimeRecord) => {
    try {
      await erp.postDowntime({
        workflowId,
        postingSeq: i.seq,
        plant,
        line: s.line,
        costCenter: i.costCenter,
        machine: i.machine,
        state: i.state,
        startedAt: new Date(i.startMs).toISOString(),
        endedAt: new Date(i.endMs).toISOString(),
        durationMin: durationMinutes(i.endMs - i.startMs),
        ...(i.notificationType ? { notificationType: i.notificationType, breakdown: false } : {}),
      });
      result.posted += 1;
    } catch (err) {
      const refused = refusal(err);
      if (!refused) throw err;
      result.problems.push(`downtime #${i.seq} (${i.machine} ${i.state}): ${refused.message}`);
    }
  };
  for (let at = 0; at < records.length; at += POST_CONCURRENCY) await Promise.all(records.slice(at, at + POST_CONCURRENCY).map(post));
}

/** Whether a classified stop is posted at all: malfunction reports, and notifications in runs that post them. */
export const isPosted = (x: ClassifiedStop, notifications: boolean) => x.erp.report === 'malfunction' || (notifications && x.erp.report === 'notification');

/** The record a classified stop is posted as, under sequence number `seq`. */
export const recordOf = (x: ClassifiedStop, seq: number): DowntimeRecord => ({
  machine: x.machine, state: x.state, startMs: x.startMs, endMs: x.endMs, costCenter: x.costCenter, seq,
  ...(x.erp.report === 'notification' ? { notificationType: x.erp.notificationType } : {}),
});

/** Stops posted already when they closed (workflows/shift-stop-posts.ts): their ids, in sequence-number order. */
export interface PostedEarlier {
  ids: ReadonlySet<string>;
  /** Sequence numbers 1..count are taken. */
  count: number;
}

/**
 * Reports the classified stops of a closed shift as their reasons ask (contracts/messages/downtime-reasons.ts): a
 * malfunction report per unplanned breakdown, charged to the stop's cost center; micro-stops and reasons reported
 * `none` stay in the MES. With `notifications` (runs from patch `shift-downtime-notifications` on), a reason that
 * asks for a notification of its type gets one per stop, without the breakdown flag (ErpPort `postDowntime` with
 * `notificationType`); before, such stops were only named in `problems`. Activity confirmations are not in the ERP
 * port: counted in `byReport` and named in `problems`. Sequence numbers follow the stops' order (machine, start),
 * after those of the stops posted when they closed (`earlier`, which are not posted again), so a replay or retry
 * derives the same keys.
 */
export async function postClassifiedDowntime(
  s: ShiftInput,
  line: LineContext,
  stops: ReadonlyArray<ClassifiedStop>,
  notifications = false,
  earlier: PostedEarlier = { ids: new Set(), count: 0 },
): Promise<ShiftDowntimeResult> {
  const totalMs = stops.reduce((sum, x) => sum + (x.endMs - x.startMs), 0);
  const result: ShiftDowntimeResult = { records: stops.length, posted: 0, totalMinutes: durationMinutes(totalMs), problems: [], byReport: {} };
  for (const x of stops) result.byReport![x.erp.report] = (result.byReport![x.erp.report] ?? 0) + 1;
  const posts = (x: ClassifiedStop) => isPosted(x, notifications);
  const unsupported = stops.filter((x) => !posts(x) && (x.erp.report === 'notification' || x.erp.report === 'activity-confirmation'));
  if (unsupported.length > 0)
    result.problems.push(`${unsupported.length} stops ask for ${notifications ? 'an activity confirmation' : 'a notification or an activity confirmation'}, which the ERP port cannot post yet: not posted (${unsupported.map((x) => `${x.id} ${x.reason}`).join(', ')})`);
  const records = stops.filter((x) => posts(x) && !earlier.ids.has(x.id)).map((x, i) => recordOf(x, earlier.count + i + 1));
  if (records.length === 0) return result;
  if (!line.plant) {
    const why = `line ${s.site}/${s.line} has no plant in the plant model: ${records.length} malfunction reports not posted`;
    log.warn(why);
    result.problems.push(why);
    return result;
  }
  await postRecords(s, line.plant, records, result);
  return result;
}
