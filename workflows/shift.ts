import { allHandlersFinished, condition, continueAsNew, log, patched, proxyActivities, proxyLocalActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ShiftDowntimeResult, ShiftInput, ShiftSummary } from '../contracts/messages/shift.js';
import { DEFAULT_SHIFT_LATE_GRACE_S } from '../contracts/shift-time.js';
import { ERP_CALLS, OWN_DATABASE, refusal } from './activity-options.js';
import { machineDeltasSignal, machineEventsSignal, shiftHandoverSignal, shiftStatusQuery } from './definitions.js';
import { handOver } from './shift-handover.js';
import { durationMinutes, type DowntimeInterval } from './downtime.js';
import { ShiftState, type ShiftCarry } from './shift-state.js';

export interface ShiftWorkflowInput {
  shift: ShiftInput;
  carry?: ShiftCarry;
  /** How long after the shift's end late events are still accepted (ms); the bridge passes `MES_SHIFT_LATE_GRACE_S`. */
  lateGraceMs?: number;
  /** Test-only: continue-as-new after this many events in one run. */
  continueAsNewAfterEvents?: number;
}

// Shifts started before the bridge passed a grace (their histories carry none) keep the hour they were started with.
const DEFAULT_LATE_GRACE_MS = DEFAULT_SHIFT_LATE_GRACE_S * 1000;
/** Downtime records posted side by side; a shift rarely has more than a few dozen. */
const POST_CONCURRENCY = 8;

const erp = proxyActivities<Pick<Activities, 'postDowntime'>>(ERP_CALLS);
// Master data from our own PostgreSQL, once per shift at close.
const local = proxyLocalActivities<Pick<Activities, 'loadLineContext'>>(OWN_DATABASE);

/**
 * One line's shift: started by the shift before it at its end (workflows/shift-handover.ts) or by its first event
 * (signal-with-start), whichever comes first; at its end it starts the next and hands over the machine states;
 * closes a grace period after the shift ends.
 */
export async function shiftWorkflow(input: ShiftWorkflowInput): Promise<ShiftSummary> {
  // Patches are checked in the first activation, before any await, so a replay sees them where they were recorded.
  const handsOver = patched('shift-handover');
  const shift = new ShiftState(input.shift, input.carry);
  setHandler(shiftHandoverSignal, (h) => shift.takeHandover(h));
  setHandler(machineEventsSignal, (batch) => shift.apply(batch));
  setHandler(machineDeltasSignal, (d) => {
    // A partly overlapping range cannot come from sealed outbox ranges (high-water.ts); it is refused, never counted twice.
    if (shift.applyDeltas(d) === 'overlap') log.error('outbox range overlaps what was applied: refused', { fromSeq: d.fromSeq, toSeq: d.toSeq, source: d.source });
  });
  setHandler(shiftStatusQuery, () => shift.summary(Date.now()));
  const closesAt = Date.parse(input.shift.endsAt) + (input.lateGraceMs ?? DEFAULT_LATE_GRACE_MS);
  const shouldContinueAsNew = () =>
    workflowInfo().continueAsNewSuggested ||
    (input.continueAsNewAfterEvents !== undefined && shift.eventsThisRun >= input.continueAsNewAfterEvents);

  // Workflow time (Date.now() here) is deterministic: it is the time of the current workflow task.
  const continuesAsNewBefore = async (atMs: number) => {
    const remaining = atMs - Date.now();
    return remaining > 0 && (await condition(shouldContinueAsNew, remaining));
  };
  const continueRun = async () => {
    await condition(allHandlersFinished);
    return await continueAsNew<typeof shiftWorkflow>({ ...input, carry: shift.carry() });
  };
  if (handsOver && !shift.handedOver) {
    const endsAt = Date.parse(input.shift.endsAt);
    if (await continuesAsNewBefore(endsAt)) return await continueRun();
    const outcome = await handOver(input.shift, input.lateGraceMs, shift.statesAt(endsAt), 'shiftWorkflow');
    shift.handedOver = true;
    log.info('shift handed over', { ...outcome });
  }
  if (await continuesAsNewBefore(closesAt)) return await continueRun();
  await condition(allHandlersFinished);
  // The timelines are final now (late events after this point are not downtime of this shift any more): the records
  // and their sequence numbers follow from them alone, so a replay derives the same keys.
  const intervals = shift.downtime(closesAt);
  // Shifts that closed before downtime posting existed replay without it.
  const downtime = patched('shift-downtime-posting')
    ? await postDowntime(input.shift, intervals)
    : { records: 0, posted: 0, totalMinutes: '0', problems: ['closed before downtime posting existed'] };
  return { ...shift.summary(closesAt), downtime };
}

/** Posts every downtime record of the shift to the line's cost center, exactly once each (key = workflow id + seq). */
async function postDowntime(s: ShiftInput, intervals: DowntimeInterval[]): Promise<ShiftDowntimeResult> {
  const totalMs = intervals.reduce((sum, i) => sum + (i.endMs - i.startMs), 0);
  const result: ShiftDowntimeResult = { records: intervals.length, posted: 0, totalMinutes: durationMinutes(totalMs), problems: [] };
  if (intervals.length === 0) return result;
  const line = await local.loadLineContext({ site: s.site, line: s.line });
  if (!line.plant || !line.costCenter) {
    const why = `line ${s.site}/${s.line} has no plant or cost center in the plant model: ${intervals.length} downtime records not posted`;
    log.warn(why);
    result.problems.push(why);
    return result;
  }
  const { workflowId } = workflowInfo();
  const post = async (i: DowntimeInterval, seq: number) => {
    try {
      await erp.postDowntime({
        workflowId,
        postingSeq: seq,
        plant: line.plant!,
        line: s.line,
        costCenter: line.costCenter!,
        machine: i.machine,
        state: i.state,
        startedAt: new Date(i.startMs).toISOString(),
        endedAt: new Date(i.endMs).toISOString(),
        durationMin: durationMinutes(i.endMs - i.startMs),
      });
      result.posted += 1;
    } catch (err) {
      // A refused record must not keep the shift open: it is reported, and visible in the MES ledger as rejected.
      const refused = refusal(err);
      if (!refused) throw err;
      result.problems.push(`downtime #${seq} (${i.machine} ${i.state}): ${refused.message}`);
    }
  };
  for (let at = 0; at < intervals.length; at += POST_CONCURRENCY) {
    await Promise.all(intervals.slice(at, at + POST_CONCURRENCY).map((i, n) => post(i, at + n + 1)));
  }
  return result;
}
