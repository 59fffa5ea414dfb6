import { rm } from 'node:fs/promises';
import path from 'node:path';
import { DefaultLogger, type WorkflowBundle } from '@temporalio/worker';
import pino from 'pino';
import type { PlantModel } from '../contracts/messages/plant-model.js';
import { loadPlantModel } from '../seed/plant-file.js';
import { startStack } from '../stack/index.js';
import { projectRoot } from '../stack/paths.js';
import { startServices, type Services } from '../workers/wiring/services.js';
import { installTemporalRuntime } from '../workers/wiring/temporal-runtime.js';
import { bundleMesWorkflows } from '../workers/wiring/temporal-worker.js';
import { benchDir } from './_util.js';

export interface BenchEngineOptions {
  /** Master data to seed instead of the demo plant. */
  plant?: PlantModel;
  /** A bundle built once for several engines (bundling takes seconds of CPU). */
  workflowBundle?: WorkflowBundle;
}

/**
 * The whole engine on fresh servers in a temp dir, wired as `npm start` does, with the demo plant seeded (or `plant`).
 * `dir` is the servers' data dir: their processes name it in their command lines (bench/_proc-tree.ts finds them so).
 */
export async function startBenchEngine(name: string, o: BenchEngineOptions = {}): Promise<{ services: Services; dir: string; stop(): Promise<void> }> {
  const log = pino({ level: process.env.BENCH_LOG_LEVEL ?? 'silent' });
  installTemporalRuntime(log, 'ERROR');
  const dir = await benchDir(name);
  const [stack, workflowBundle, plant] = await Promise.all([
    startStack({ dataDir: dir }),
    o.workflowBundle ?? bundleMesWorkflows(new DefaultLogger('ERROR')),
    o.plant ?? loadPlantModel(path.join(projectRoot, 'seed', 'demo-plant.yaml')),
  ]);
  const services = await startServices({
    databaseUrl: stack.postgres.url,
    nats: { url: stack.nats.url, user: stack.nats.user, password: stack.nats.password },
    temporal: { address: stack.temporal.address, namespace: stack.temporal.namespace },
    erpSim: {},
    workflowBundle,
    plant,
    log,
  }).catch(async (err: unknown) => {
    await stack.stop();
    await rm(dir, { recursive: true, force: true });
    throw err;
  });
  return {
    services,
    dir,
    stop: async () => {
      // The servers stop even when the engine's own shutdown fails.
      try {
        await services.stop();
      } finally {
        await stack.stop();
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
