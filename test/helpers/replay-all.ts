import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { Worker, type WorkflowBundle } from '@temporalio/worker';

/** A history to replay, named for the failure line (workflow id and run). */
export interface NamedHistory {
  workflowId: string;
  history: temporal.api.history.v1.IHistory;
}

/**
 * Replays, with a fresh worker and no cache, every workflow history the test left in its namespace (open or closed)
 * against the bundle its worker ran. A history shape that only shows under load (a workflow task closed by a local
 * activity's result, a query on an evicted run) then fails the file that made it, instead of an order silently stuck
 * on a workflow task that fails forever. Returns one line per history that does not replay.
 */
export async function unreplayableHistories(client: Client, workflowBundle: WorkflowBundle): Promise<string[]> {
  async function* histories() {
    for await (const w of client.workflow.list()) {
      yield { workflowId: `${w.workflowId} (run ${w.runId})`, history: await client.workflow.getHandle(w.workflowId, w.runId).fetchHistory() };
    }
  }
  return replayFailures(workflowBundle, histories());
}

/** Replays the given histories against the bundle (fresh worker, no cache); one line per history that does not replay. */
export async function replayFailures(workflowBundle: WorkflowBundle, histories: AsyncIterable<NamedHistory> | Iterable<NamedHistory>): Promise<string[]> {
  const failed: string[] = [];
  for await (const r of Worker.runReplayHistories({ workflowBundle }, histories)) {
    if (r.error) failed.push(`${r.workflowId}: ${String(r.error).slice(0, 600)}`);
  }
  return failed;
}
