import type { WorkflowBundle } from '@temporalio/worker';
import { createMesWorker } from '../../workers/wiring/temporal-worker.js';
import type { TestEngine } from './engine.js';

/** A Temporal worker the test starts and stops itself, in this process (an engine started with `worker: false`). */
export interface InProcessWorker {
  /** Stops it: no more tasks are taken; what it was running is left to the next worker. */
  stop(): Promise<void>;
}

/**
 * Starts a worker with the engine's activities (its ERP adapter and database) on `workflowBundle`, as the engine's own
 * would run: stopping it and starting another is a worker restart (workflows replay from their history on the new one).
 */
export async function startInProcessWorker(engine: TestEngine, workflowBundle: WorkflowBundle): Promise<InProcessWorker> {
  const { temporal } = engine.stack;
  const { worker, connection } = await createMesWorker(
    { address: temporal.address, namespace: temporal.namespace, workflowBundle },
    { erp: engine.services.erp, db: engine.services.db },
  );
  const running = worker.run();
  return {
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      try {
        await running;
      } finally {
        await connection.close();
      }
    },
  };
}
