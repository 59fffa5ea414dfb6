import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities/index.js';
import { TASK_QUEUE } from '../../contracts/names.js';
import { connectionOptions, type TemporalTarget } from './temporal-connection.js';

export const workflowsPath = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));

export interface WorkerSettings extends TemporalTarget {
  taskQueue?: string;
  /** A pre-built bundle (tests bundle once per file); else the worker bundles `workflows/` at start. */
  workflowBundle?: WorkflowBundle;
}

export async function createMesWorker(s: WorkerSettings, deps: ActivityDeps): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect(connectionOptions(s));
  const worker = await Worker.create({
    connection,
    namespace: s.namespace,
    taskQueue: s.taskQueue ?? TASK_QUEUE,
    ...(s.workflowBundle ? { workflowBundle: s.workflowBundle } : { workflowsPath }),
    activities: createActivities(deps),
  });
  return { worker, connection };
}
