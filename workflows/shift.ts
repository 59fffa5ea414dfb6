import { allHandlersFinished, condition, continueAsNew, log, patched, proxyLocalActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { LineContext } from '../activities/master-data.js';
import type { ShiftDowntimeResult, ShiftInput, ShiftSummary } from '../contracts/messages/shift.js';
import { DEFAULT_SHIFT_LATE_GRACE_S } from '../contracts/shift-time.js';
import { OWN_DATABASE } from './activity-options.js';
import { machineDeltasSignal, machineEventsSignal, reclassifyStopUpdate, shiftHandoverSignal, shiftStatusQuery } from './definitions.js';
import { handOver } from './shift-handover.js';
import { durationMinutes, type DowntimeInterval } from './downtime.js';
import { postClassifiedDowntime, postRecords } from './shift-downtime.js';
import { shiftOee } from './shift-oee.js';
import { shiftOeeWriter } from './shift-oee-writer.js';
import { ShiftState, type ShiftCarry } from './shift-state.js';
import { postsAnyAtStopEnd, StopPosts } from './shift-stop-posts.js';

export interface ShiftWorkflowInput {
  shift: ShiftInput;
  carry?: ShiftCarry;
  /** How long after the shift's end late events are still accepted (ms); the bridge passes `MES_SHIFT_LATE_GRACE_S`. */
  lateGraceMs?: number;
  /** Test-only: continue-as-new after this many events in one run. */
  continueAsNewAfterEvents?: number;
  /** Test-only: least ms between two writes of the running shift's read model row (default SHIFT_OEE_EVERY_MS). */
  oeeWriteEveryMs?: number;
}

// Shifts started before the bridge passed a grace (their histories carry none) keep the hour they were started with.
const DEFAULT_LATE_GRACE_MS = DEFAULT_SHIFT_LATE_GRACE_S * 1000;
// Master data from our own PostgreSQL: once per run at its start (shifts with downtime reasons), else once at close.
const local = proxyLocalActivities<Pick<Activities, 'loadLineContext'>>(OWN_DATABASE);

/**
 * One line's shift: started by the shift before it at its end (workflows/shift-handover.ts), by the bridge's
 * starter on time, or by its first event (signal-with-start), whichever comes first; at its end it starts the next
 * and hands over the machine states; closes a grace period after the shift ends.
 */
export async function shiftWorkflow(input: ShiftWorkflowInput): Promise<ShiftSummary> {
  // Checked in the first activation, before any await: histories recorded without it replay as they ran (no start
  // load, no per-machine detail in the carry, every stretch posted by state).
  const withReasons = patched('shift-downtime-reasons');
  const shift = new ShiftState(input.shift, input.carry, withReasons);
  const handsOver = patched('shift-handover');
  const postsNotifications = patched('shift-downtime-notifications');
  // Shifts from this patch on keep their summary with OEE in the read model (shift_oee), throttled while they run.
  const storesOee = patched('shift-oee-read-model');
  // Stops whose reason or site says `when: stop-end` are posted as they close, not again at the close.
  const mayPostPerStop = patched('shift-downtime-per-stop');
  const stopPosts = new StopPosts(input.carry?.stopPosts);
  // A run continued as new looks once for stops that closed while the last one was handing over.
  stopPosts.dirty = input.carry !== undefined;
  let line: LineContext | null = null;
  const withOee = (summary: ShiftSummary, toMs: number): ShiftSummary => {
    const r = line ? shiftOee(shift, line, shift.reclassifications(), toMs) : null;
    return r ? { ...summary, oee: r.oee } : summary;
  };
  const live = () => withOee(shift.summary(Date.now()), Math.min(Date.now(), Date.parse(input.shift.endsAt)));
  let result: ShiftSummary | null = null;
  const store = storesOee
    ? shiftOeeWriter(
        workflowInfo().workflowId,
        // A shift handed over to ahead of its start (a gap, a weekend) has nothing to show before it: its row waits.
        () => (result ? { state: 'closed', summary: result } : Date.now() < Date.parse(input.shift.startsAt) ? null : { state: 'running', summary: live() }),
        input.oeeWriteEveryMs,
      )
    : undefined;
  if (store) void store.run();
  setHandler(shiftHandoverSignal, (h) => {
    shift.takeHandover(h);
    store?.changed();
  });
  setHandler(machineEventsSignal, (batch) => {
    shift.apply(batch);
    if (batch.events.some((e) => e.kind !== 'counter')) stopPosts.dirty = true;
    store?.changed();
  });
  setHandler(machineDeltasSignal, (d) => {
    if (d.states.length > 0 || (d.alarms?.length ?? 0) > 0) stopPosts.dirty = true;
    // A partly overlapping range cannot come from sealed outbox ranges (high-water.ts); it is refused, never counted twice.
    if (shift.applyDeltas(d) === 'overlap') log.error('outbox range overlaps what was applied: refused', { fromSeq: d.fromSeq, toSeq: d.toSeq, source: d.source });
    store?.changed();
  });
  setHandler(shiftStatusQuery, live);
  setHandler(
    reclassifyStopUpdate,
    (r) => {
      shift.reclassify(r);
      stopPosts.dirty = true;
      store?.urgent();
      return live();
    },
    {
      validator: (r) => {
        if (!line?.downtime) throw new Error(`line ${input.shift.site}/${input.shift.line} has no downtime reasons (plant file \`downtime\`), or they are not loaded yet`);
        if (!line.downtime.categories.some((c) => c.reasons.some((x) => x.code === r.reason))) throw new Error(`reason: unknown reason ${r.reason}`);
        const stops = shiftOee(shift, line, shift.reclassifications(), Math.min(Date.now(), Date.parse(input.shift.endsAt)))?.stops ?? [];
        if (!stops.some((x) => x.id === r.stopId)) throw new Error(`stopId: no stop ${r.stopId} in shift ${input.shift.date} ${input.shift.shiftCode} of line ${input.shift.line}`);
      },
    },
  );
  if (withReasons) line = await local.loadLineContext({ site: input.shift.site, line: input.shift.line, shiftStartsAt: input.shift.startsAt });
  // The row exists from the shift's start (with its OEE once master data is loaded), so a trend shows running shifts.
  store?.changed();
  const closesAt = Date.parse(input.shift.endsAt) + (input.lateGraceMs ?? DEFAULT_LATE_GRACE_MS);
  const shouldContinueAsNew = () =>
    workflowInfo().continueAsNewSuggested ||
    (input.continueAsNewAfterEvents !== undefined && shift.eventsThisRun >= input.continueAsNewAfterEvents);

  const perStop = mayPostPerStop && postsAnyAtStopEnd(line);
  // Classified over the whole shift window: a stop is closed once the state ending it is in, whatever the clock says.
  const postClosedStops = async () => {
    const stops = line ? (shiftOee(shift, line, shift.reclassifications(), Date.parse(input.shift.endsAt))?.stops ?? []) : [];
    await stopPosts.postClosed(input.shift, line!, stops, postsNotifications);
  };

  // Workflow time (Date.now() here) is deterministic: it is the time of the current workflow task.
  const continuesAsNewBefore = async (atMs: number) => {
    if (!perStop) {
      const remaining = atMs - Date.now();
      return remaining > 0 && (await condition(shouldContinueAsNew, remaining));
    }
    for (;;) {
      const remaining = atMs - Date.now();
      if (remaining <= 0 || !(await condition(() => shouldContinueAsNew() || stopPosts.dirty, remaining))) return false;
      if (shouldContinueAsNew()) return true;
      stopPosts.dirty = false;
      await postClosedStops();
    }
  };
  const continueRun = async () => {
    await condition(allHandlersFinished);
    // The next run writes again only on a change: what this one was asked to write is written now.
    if (store?.pending) await store.flush();
    return await continueAsNew<typeof shiftWorkflow>({ ...input, carry: { ...shift.carry(), ...stopPosts.carry() } });
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
  const classified = line ? shiftOee(shift, line, shift.reclassifications(), Math.min(closesAt, Date.parse(input.shift.endsAt))) : null;
  const closing = async (summary: ShiftSummary): Promise<ShiftSummary> => {
    result = summary;
    await store?.flush();
    return summary;
  };
  if (line && classified) {
    const downtime = stopPosts.merge(await postClassifiedDowntime(input.shift, line, classified.stops, postsNotifications, stopPosts.earlier()));
    return closing({ ...shift.summary(closesAt), downtime, oee: classified.oee });
  }
  const intervals = shift.downtime(closesAt);
  // Shifts that closed before downtime posting existed replay without it.
  const downtime = patched('shift-downtime-posting')
    ? await postDowntime(input.shift, intervals, line)
    : { records: 0, posted: 0, totalMinutes: '0', problems: ['closed before downtime posting existed'] };
  return closing({ ...shift.summary(closesAt), downtime });
}

/** Posts every downtime record of the shift to the line's cost center, exactly once each (key = workflow id + seq). */
async function postDowntime(s: ShiftInput, intervals: DowntimeInterval[], loaded: LineContext | null): Promise<ShiftDowntimeResult> {
  const totalMs = intervals.reduce((sum, i) => sum + (i.endMs - i.startMs), 0);
  const result: ShiftDowntimeResult = { records: intervals.length, posted: 0, totalMinutes: durationMinutes(totalMs), problems: [] };
  if (intervals.length === 0) return result;
  const line = loaded ?? (await local.loadLineContext({ site: s.site, line: s.line }));
  if (!line.plant || !line.costCenter) {
    const why = `line ${s.site}/${s.line} has no plant or cost center in the plant model: ${intervals.length} downtime records not posted`;
    log.warn(why);
    result.problems.push(why);
    return result;
  }
  await postRecords(s, line.plant, intervals.map((i, n) => ({ ...i, costCenter: line.costCenter!, seq: n + 1 })), result);
  return result;
}
