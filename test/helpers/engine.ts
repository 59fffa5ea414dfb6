import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import pino from 'pino';
import type { BridgeOptions } from '../../bridge/signal-bridge.js';
import type { FaultPlan } from '../../contracts/messages/erp-sim.js';
import { loadPlantModel } from '../../db/seed.js';
import { projectRoot } from '../../stack/paths.js';
import { startStack, type Stack } from '../../stack/index.js';
import { workflowsPath } from '../../workers/wiring/temporal-worker.js';
import { startServices, type Services } from '../../workers/wiring/services.js';
import { installTemporalRuntime } from '../../workers/wiring/temporal-runtime.js';

const log = pino({ level: process.env.MES_TEST_LOG ?? 'silent' });

export interface TestEngine {
  stack: Stack;
  services: Services;
  dataDir: string;
  stop(): Promise<void>;
}

/** Real servers on free loopback ports in a fresh temp dir, and the engine's services wired as `npm start` does. */
export async function startTestEngine(opts: { faults?: Partial<FaultPlan>; bridge?: BridgeOptions | false } = {}): Promise<TestEngine> {
  // Injected ERP faults make activities fail on purpose; only errors are worth showing.
  installTemporalRuntime(log, 'ERROR');
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mes-test-'));
  // mkdtemp makes 0700; PostgreSQL runs as user postgres when we are root and must reach its cluster dir.
  await chmod(dataDir, 0o755);
  const [stack, workflowBundle] = await Promise.all([
    startStack({ dataDir }),
    bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('ERROR') }),
  ]);
  try {
    const services = await startServices({
      databaseUrl: stack.postgres.url,
      nats: { url: stack.nats.url, user: stack.nats.user, password: stack.nats.password },
      temporal: { address: stack.temporal.address, namespace: stack.temporal.namespace },
      erpSim: { faults: opts.faults },
      workflowBundle,
      bridge: opts.bridge,
      plant: await loadPlantModel(path.join(projectRoot, 'seed', 'demo-plant.yaml')),
      log,
    });
    return {
      stack,
      services,
      dataDir,
      stop: async () => {
        await services.stop();
        await stack.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await stack.stop();
    throw err;
  }
}

/** Polls until `fn` returns a value that is not undefined, or fails with the last seen value after `timeoutMs`. */
export async function eventually<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}
