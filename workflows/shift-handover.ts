import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import { getExternalWorkflowHandle, log, ParentClosePolicy, proxyLocalActivities, startChild, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ShiftHandover, ShiftInput } from '../contracts/messages/shift.js';
import { shiftWorkflowId } from '../contracts/ids.js';
import { OWN_DATABASE } from './activity-options.js';
import { shiftHandoverSignal } from './definitions.js';
import { LineAttr, SiteAttr } from './search-attributes.js';

const local = proxyLocalActivities<Pick<Activities, 'nextShift'>>(OWN_DATABASE);

/** What happened at a shift's end: the next shift's workflow id, or why there was none. */
export type HandoverOutcome = { to: string } | { skipped: string };

/**
 * At its end a shift starts the line's next shift from the calendar (so shifts run on time, not from their first
 * event) and hands it the machine states at the boundary. The next shift is a child left running when this one
 * closes (ABANDON); when the bridge started it already (an event of the new shift came first) the states go to it as
 * a signal. A next shift that is already over is not started: a shift that closes long after its end (restored,
 * started by a late delta) must not start a chain of past shifts.
 * @param workflowType the shift workflow itself, passed by name to keep the import graph acyclic.
 */
export async function handOver(shift: ShiftInput, lateGraceMs: number | undefined, states: ShiftHandover['states'], workflowType: string): Promise<HandoverOutcome> {
  const next = await local.nextShift({ site: shift.site, line: shift.line, afterMs: Date.parse(shift.endsAt) });
  if (!next) return { skipped: 'no shift in the calendar within 21 days' };
  if (Date.parse(next.endsAt) <= Date.now()) return { skipped: `next shift ${next.date} ${next.shiftCode} is already over` };
  const workflowId = shiftWorkflowId(next.site, next.line, next.date, next.shiftCode);
  const handover: ShiftHandover = { from: workflowInfo().workflowId, at: shift.endsAt, states };
  try {
    const child = await startChild(workflowType, {
      workflowId,
      args: [{ shift: next, ...(lateGraceMs === undefined ? {} : { lateGraceMs }) }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [
        { key: SiteAttr, value: next.site },
        { key: LineAttr, value: next.line },
      ],
      staticSummary: `Shift ${next.shiftCode} ${next.date} on ${next.line}`,
    });
    await child.signal(shiftHandoverSignal, handover);
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    await getExternalWorkflowHandle(workflowId).signal(shiftHandoverSignal, handover).catch((e: Error) => {
      // Closed already (its grace ran out): nothing is left to hand over to.
      log.warn('next shift took no handover', { workflowId, error: e.message });
    });
  }
  return { to: workflowId };
}
