import { rm } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import pino from 'pino';
import { loadPlantModel } from '../seed/plant-file.js';
import { startStack } from '../stack/index.js';
import { projectRoot } from '../stack/paths.js';
import { startServices, type Services } from '../workers/wiring/services.js';
import { installTemporalRuntime } from '../workers/wiring/temporal-runtime.js';
import { workflowsPath } from '../workers/wiring/temporal-worker.js';
import { benchDir } from './_util.js';

/** The whole engine on fresh servers in a temp dir, wired as `npm start` does, with the demo plant seeded. */
export async function startBenchEngine(name: string): Promise<{ services: Services; stop(): Promise<void> }> {
  const log = pino({ level: 'silent' });
  installTemporalRuntime(log, 'ERROR');
  const dir = await benchDir(name);
  const [stack, workflowBundle, plant] = await Promise.all([
    startStack({ dataDir: dir }),
    bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('ERROR') }),
    loadPlantModel(path.join(projectRoot, 'seed', 'demo-plant.yaml')),
  ]);
  const services = await startServices({
    databaseUrl: stack.postgres.url,
    nats: { url: stack.nats.url, user: stack.nats.user, password: stack.nats.password },
    temporal: { address: stack.temporal.address, namespace: stack.temporal.namespace },
    erpSim: {},
    workflowBundle,
    plant,
    log,
  });
  return {
    services,
    stop: async () => {
      await services.stop();
      await stack.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
