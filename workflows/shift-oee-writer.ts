import { proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ShiftOeeWrite } from '../activities/shift-read-model.js';
import { OWN_DATABASE } from './activity-options.js';
import { ThrottledWriter } from './throttled-writer.js';

/**
 * Least time between two writes of a running shift's row (shift_oee), in ms of workflow time. A shift's figures are
 * read by supervisors, not by the order's confirmation, so a minute behind is enough; a busy shift then adds at most
 * about six history events a minute (local activity marker, timer started and fired, a workflow task), some 2,900 in
 * eight hours, which continue-as-new (at Temporal's suggestion) absorbs.
 */
export const SHIFT_OEE_EVERY_MS = 60_000;

const local = proxyLocalActivities<Pick<Activities, 'upsertShiftOee'>>(OWN_DATABASE);

/**
 * The one writer of a shift's read model row: `current()` is taken when a write starts, so it holds every change
 * asked before; null writes nothing (a shift started ahead of its time has no figures yet). `changed()` on events,
 * handovers and reasons; `flush()` with the closed summary as the last write.
 */
export function shiftOeeWriter(workflowId: string, current: () => Omit<ShiftOeeWrite, 'workflowId' | 'writtenAt'> | null, everyMs = SHIFT_OEE_EVERY_MS): ThrottledWriter {
  return new ThrottledWriter(async () => {
    const w = current();
    if (w) await local.upsertShiftOee({ workflowId, ...w, writtenAt: new Date().toISOString() });
  }, everyMs);
}
