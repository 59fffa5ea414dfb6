import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter, WorkflowIdReusePolicy, WorkflowNotFoundError } from '@temporalio/common';
import { z } from 'zod';
import { ProductionDeltas, type MachineDeltas } from '../contracts/messages/outbox-delta.js';
import { WorkOrderResult } from '../contracts/messages/work-order-status.js';
import { TASK_QUEUE } from '../contracts/names.js';
import { machineDeltasSignal, productionDeltasSignal } from '../workflows/definitions.js';
import { LineAttr, SiteAttr } from '../workflows/search-attributes.js';
import type { shiftWorkflow, ShiftWorkflowInput } from '../workflows/shift.js';
import type { BridgeMetrics } from './metrics.js';

/** Outcome of delivering one range: accepted, or closed (the workflow exists no more to take it). */
export type Delivery = 'accepted' | 'closed';

async function timed<T>(metrics: BridgeMetrics, target: string, fn: () => Promise<T>): Promise<T> {
  const stop = metrics.signalSeconds.startTimer();
  const r = await fn();
  stop();
  metrics.signals.inc({ target });
  return r;
}

/** Work orders exist from their release: a plain signal. A closed or unknown order answers `closed`. */
export async function deliverToOrder(client: Client, metrics: BridgeMetrics, workflowId: string, deltas: ProductionDeltas): Promise<Delivery> {
  try {
    await timed(metrics, 'work-order', () => client.workflow.getHandle(workflowId).signal(productionDeltasSignal, deltas));
    return 'accepted';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'closed';
    throw err;
  }
}

const AppliedThrough = WorkOrderResult.pick({ appliedThrough: true });

/** The parts of a run's input and of a `productionDeltas` signal the mark is read from; the rest is ignored. */
const RunInput = z.object({ carry: z.object({ highWater: z.record(z.string(), z.number()).optional() }).optional() });
const DeltasRange = ProductionDeltas.pick({ source: true, toSeq: true });

/**
 * The last seq of `source` a run that did not complete (terminated by a person, failed, timed out) received: its
 * input's carried mark, or the highest range among the `productionDeltas` signals in its history. A signal in the
 * history was handled (counted, or kept aside as late counts), because a workflow task runs its handlers before
 * anything else; null when the run received none.
 */
async function receivedThrough(handle: WorkflowHandle, source: string): Promise<number | null> {
  let mark: number | null = null;
  const take = (seq: number | undefined) => {
    if (seq !== undefined && (mark === null || seq > mark)) mark = seq;
  };
  for (const e of (await handle.fetchHistory()).events ?? []) {
    const started = e.workflowExecutionStartedEventAttributes;
    if (started?.input?.payloads?.[0]) take(RunInput.safeParse(defaultPayloadConverter.fromPayload(started.input.payloads[0])).data?.carry?.highWater?.[source]);
    const signal = e.workflowExecutionSignaledEventAttributes;
    if (signal?.signalName === productionDeltasSignal.name && signal.input?.payloads?.[0]) {
      const range = DeltasRange.safeParse(defaultPayloadConverter.fromPayload(signal.input.payloads[0]));
      if (range.success && range.data.source === source) take(range.data.toSeq);
    }
  }
  return mark;
}

/**
 * The last outbox seq of `source` a closed order applied: from the result its last run returned (`appliedThrough`,
 * workflows/work-order.ts), or, for a run that did not complete, from its history (`receivedThrough`). A range at or
 * below it reached the order: the relay deletes it rather than keeping its pieces a second time. For a terminated
 * order those pieces stay with the order (its status and read model show them, counted and not confirmed) for a
 * person to settle. Null when it cannot be known: no mark in a completed run's result (it never got a delta, or
 * closed before results carried them), or the history is gone (retention). Throws what the Temporal client throws
 * otherwise (unreachable), so the relay retries.
 */
export async function closedOrderMark(client: Client, workflowId: string, source: string): Promise<number | null> {
  const handle = client.workflow.getHandle(workflowId);
  try {
    if ((await handle.describe()).status.name !== 'COMPLETED') return await receivedThrough(handle, source);
    const parsed = AppliedThrough.safeParse(await handle.result());
    return parsed.success ? (parsed.data.appliedThrough?.[source] ?? null) : null;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

/**
 * How the bridge starts a shift workflow, by its first delta or on time (bridge/shift-starter.ts); the id is never
 * reused, so a closed shift is never started again.
 */
export function shiftStartOptions(workflowId: string, input: ShiftWorkflowInput) {
  const { shift } = input;
  return {
    workflowId,
    taskQueue: TASK_QUEUE,
    args: [input] as [ShiftWorkflowInput],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    typedSearchAttributes: [
      { key: SiteAttr, value: shift.site },
      { key: LineAttr, value: shift.line },
    ],
    staticSummary: `Shift ${shift.shiftCode} ${shift.date} on ${shift.line}`,
  };
}

/**
 * Shifts start with their first delta (signal-with-start); `input` is what a start passes (the shift and its late
 * grace), ignored when the shift runs already. The id is never reused, so a delta later than the shift's grace
 * period cannot start a second run of a closed shift: it answers `closed`.
 */
export async function deliverToShift(client: Client, metrics: BridgeMetrics, workflowId: string, input: ShiftWorkflowInput, deltas: MachineDeltas): Promise<Delivery> {
  try {
    await timed(metrics, 'shift', () =>
      client.workflow.signalWithStart<typeof shiftWorkflow, [MachineDeltas]>('shiftWorkflow', { ...shiftStartOptions(workflowId, input), signal: machineDeltasSignal, signalArgs: [deltas] }),
    );
    return 'accepted';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return 'closed';
    throw err;
  }
}
