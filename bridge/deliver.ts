import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy, WorkflowNotFoundError } from '@temporalio/common';
import type { MachineEvent, MachineEventBatch } from '../contracts/messages/machine-event.js';
import type { ProductionCount } from '../contracts/messages/production-count.js';
import type { ShiftInput } from '../contracts/messages/shift.js';
import { TASK_QUEUE } from '../contracts/names.js';
import { machineEventsSignal, productionCountsSignal } from '../workflows/definitions.js';
import { LineAttr, SiteAttr } from '../workflows/search-attributes.js';
import type { shiftWorkflow } from '../workflows/shift.js';
import type { BridgeMetrics } from './metrics.js';
import { chunks } from '../contracts/batch.js';

/** Outcome of delivering one group: accepted, or closed (the workflow exists no more to take it). */
export type Delivery = 'accepted' | 'closed';

async function timed<T>(metrics: BridgeMetrics, target: string, size: number, fn: () => Promise<T>): Promise<T> {
  const stop = metrics.signalSeconds.startTimer();
  const r = await fn();
  stop();
  metrics.signals.inc({ target });
  metrics.batchSize.observe(size);
  return r;
}

/** Work orders exist from their release: a plain signal. A closed or unknown order answers `closed`. */
export async function deliverToOrder(client: Client, metrics: BridgeMetrics, workflowId: string, counts: ProductionCount[]): Promise<Delivery> {
  const handle = client.workflow.getHandle(workflowId);
  try {
    for (const c of chunks(counts)) await timed(metrics, 'work-order', c.length, () => handle.signal(productionCountsSignal, { v: 1, events: c }));
    return 'accepted';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return 'closed';
    throw err;
  }
}

/**
 * Shifts start with their first event (signal-with-start). The id is never reused, so an event later than the
 * shift's grace period cannot start a second run of a closed shift: it answers `closed`.
 */
export async function deliverToShift(client: Client, metrics: BridgeMetrics, workflowId: string, input: ShiftInput, events: MachineEvent[]): Promise<Delivery> {
  try {
    for (const c of chunks(events))
      await timed(metrics, 'shift', c.length, () =>
        client.workflow.signalWithStart<typeof shiftWorkflow, [MachineEventBatch]>('shiftWorkflow', {
          workflowId,
          taskQueue: TASK_QUEUE,
          args: [{ shift: input }],
          signal: machineEventsSignal,
          signalArgs: [{ v: 1, events: c }],
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          typedSearchAttributes: [
            { key: SiteAttr, value: input.site },
            { key: LineAttr, value: input.line },
          ],
          staticSummary: `Shift ${input.shiftCode} ${input.date} on ${input.line}`,
        }),
      );
    return 'accepted';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return 'closed';
    throw err;
  }
}
