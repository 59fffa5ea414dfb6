import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ShiftInput } from '../contracts/messages/shift.js';
import { shiftEventsSignal, shiftStatusQuery } from './definitions.js';
import { ShiftState, type ShiftCarry, type ShiftSummary } from './shift-state.js';

export interface ShiftWorkflowInput {
  shift: ShiftInput;
  carry?: ShiftCarry;
  /** How long after the shift's end late events are still accepted. */
  lateGraceMs?: number;
  /** Test-only: continue-as-new after this many events in one run. */
  continueAsNewAfterEvents?: number;
}

const DEFAULT_LATE_GRACE_MS = 60 * 60 * 1000;

/** One line's shift: started by its first event (signal-with-start), closes a grace period after the shift ends. */
export async function shiftWorkflow(input: ShiftWorkflowInput): Promise<ShiftSummary> {
  const shift = new ShiftState(input.shift, input.carry);
  setHandler(shiftEventsSignal, (batch) => shift.apply(batch));
  setHandler(shiftStatusQuery, () => shift.summary(Date.now()));
  const closesAt = Date.parse(input.shift.endsAt) + (input.lateGraceMs ?? DEFAULT_LATE_GRACE_MS);
  const shouldContinueAsNew = () =>
    workflowInfo().continueAsNewSuggested ||
    (input.continueAsNewAfterEvents !== undefined && shift.eventsThisRun >= input.continueAsNewAfterEvents);

  // Workflow time (Date.now() here) is deterministic: it is the time of the current workflow task.
  const remaining = closesAt - Date.now();
  if (remaining > 0 && (await condition(shouldContinueAsNew, remaining))) {
    await condition(allHandlersFinished);
    return await continueAsNew<typeof shiftWorkflow>({ ...input, carry: shift.carry() });
  }
  await condition(allHandlersFinished);
  return shift.summary(closesAt);
}
