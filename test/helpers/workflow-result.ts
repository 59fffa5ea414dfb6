import type { WorkflowHandle } from '@temporalio/client';
import type { Workflow, WorkflowResultType } from '@temporalio/common';

/** Under the unit project's 60 s test timeout, so a unit test's wait fails with its own message. */
export const UNIT_WAIT_MS = 45_000;

/**
 * A workflow's result, or after `timeoutMs` an error that says what was awaited and where the workflow stands: its
 * status, history length and each pending activity with its attempt and last failure (an ERP call retrying is the
 * usual reason). The default stays under the integration project's 240 s test timeout, so this message is the one seen.
 */
export async function resultOf<W extends Workflow>(h: WorkflowHandle<W>, what = 'its result', timeoutMs = 180_000): Promise<WorkflowResultType<W>> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const r = await Promise.race([h.result(), timedOut]);
    if (r !== 'timeout') return r as WorkflowResultType<W>;
  } finally {
    clearTimeout(timer);
  }
  const d = await h.describe().catch((err: Error) => ({ error: err.message }));
  const where = 'error' in d
    ? `describe failed: ${d.error}`
    : [
        `status ${d.status.name}`,
        `history ${d.historyLength} events`,
        ...(d.raw.pendingActivities ?? []).map(
          (a) => `pending ${a.activityType?.name} attempt ${a.attempt}${a.lastFailure?.message ? `: ${a.lastFailure.message}` : ''}`,
        ),
      ].join(', ');
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what} (workflow ${h.workflowId}: ${where})`);
}
