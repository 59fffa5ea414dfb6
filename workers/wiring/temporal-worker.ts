import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, NativeConnection, Worker, type Logger, type WorkflowBundle } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities/index.js';
import { TASK_QUEUE } from '../../contracts/names.js';
import { connectionOptions, type TemporalTarget } from './temporal-connection.js';
import { orderLogActivityInterceptor } from './activity-log-fields.js';
import { workerTracingOptions } from './temporal-tracing.js';

export const workflowsPath = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));
/** The workflow interceptors every bundle carries, tracing or not (workflows/tracing-interceptors.ts says why). */
export const workflowInterceptorModules = [fileURLToPath(new URL('../../workflows/tracing-interceptors.ts', import.meta.url))];

/** The workflow bundle as the worker builds it, for tests and benches that bundle once: the same modules in it. */
export const bundleMesWorkflows = (logger?: Logger): ReturnType<typeof bundleWorkflowCode> => bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, logger });

/**
 * Workflows the worker keeps in memory (sticky cache), set on purpose instead of the SDK's default, which follows
 * the heap limit (about 2,300 at Node's 4 GB, 10 at a small limit). A line keeps up to three workflows busy: its
 * active order, its current shift and, for the hour of grace after a shift ends, the previous one. So 3,000 holds a
 * plant of 1,000 lines without evictions: every signal is applied to a cached run instead of replaying its history.
 * Memory is bounded by it: `npm run bench -- scale` measured about 350 kB of RSS per open workflow at 1,000 lines
 * (2,000 cached), so about 1 GB for a full cache (README, Benchmarks).
 * Beyond it the least recently used run is evicted and replayed on its next task: more CPU, never more memory.
 */
export const WORKFLOW_CACHE_SIZE = 3_000;

export interface WorkerSettings extends TemporalTarget {
  taskQueue?: string;
  /**
   * A pre-built bundle (tests bundle once per file), made by `bundleMesWorkflows` so it carries the same interceptor
   * modules as the worker's own (a bundle without them replays traced runs differently); else the worker bundles
   * `workflows/` at start.
   */
  workflowBundle?: WorkflowBundle;
  /** Sticky cache size; WORKFLOW_CACHE_SIZE when absent. */
  maxCachedWorkflows?: number;
}

export async function createMesWorker(s: WorkerSettings, deps: ActivityDeps): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect(connectionOptions(s));
  const tracing = workerTracingOptions();
  const worker = await Worker.create({
    connection,
    namespace: s.namespace,
    taskQueue: s.taskQueue ?? TASK_QUEUE,
    ...(s.workflowBundle ? { workflowBundle: s.workflowBundle } : { workflowsPath }),
    activities: createActivities(deps),
    maxCachedWorkflows: s.maxCachedWorkflows ?? WORKFLOW_CACHE_SIZE,
    // Spans of workflows and activities go out when this process traces (observability/tracing.ts).
    ...tracing,
    interceptors: {
      ...tracing.interceptors,
      // Log lines of an activity name its order's site, line and order (observability/log-fields.ts).
      activity: [...(tracing.interceptors?.activity ?? []), orderLogActivityInterceptor()],
      ...(s.workflowBundle ? {} : { workflowModules: workflowInterceptorModules }),
    },
  });
  return { worker, connection };
}
