import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DefaultLogger, type WorkflowBundle } from '@temporalio/worker';
import pino from 'pino';
import type { BridgeOptions } from '../../bridge/signal-bridge.js';
import type { FaultPlan } from '../../contracts/messages/erp-sim.js';
import { loadPlantModel } from '../../seed/plant-file.js';
import { createErpAdapter, withPlantUnits } from '../../erp/index.js';
import type { ErpAdapter } from '../../contracts/erp-port.js';
import type { FaultInjector } from '../../simulators/erp/faults.js';
import { buildSapDouble } from '../../simulators/sap-odata/app.js';
import { SAP_CREDS } from './sap-double.js';
import { unreplayableHistories } from './replay-all.js';
import { startStack, type Stack } from '../../stack/index.js';
import type { NatsServer } from '../../stack/nats.js';
import type { PostgresServer } from '../../stack/postgres.js';
import { projectRoot } from '../../stack/paths.js';
import { bundleMesWorkflows } from '../../workers/wiring/temporal-worker.js';
import { natsSettingsOf } from '../../workers/wiring/nats.js';
import { startServices, type Services } from '../../workers/wiring/services.js';
import { installTemporalRuntime } from '../../workers/wiring/temporal-runtime.js';

const log = pino({ level: process.env.MES_TEST_LOG ?? 'silent' });

/** What the engine's services need of the servers; `Stack` (dev server) and the cluster profile both give it. */
export interface EngineServers {
  postgres: PostgresServer;
  nats: NatsServer;
  temporal: { address: string; namespace: string };
  stop(): Promise<void>;
}

export interface TestEngine<S extends EngineServers = Stack> {
  stack: S;
  services: Services;
  dataDir: string;
  /** The SAP test double, when the engine posts to it instead of the ERP simulator. */
  sap?: ReturnType<typeof buildSapDouble>;
  /** The fault injector of the ERP the engine posts to (simulator or SAP double). */
  erpFaults: FaultInjector;
  /** An adapter to the same ERP, for tests to read what the ERP holds. */
  erp: ErpAdapter;
  /** The worker's workflow bundle, for another worker of the same workflows (the exception inbox's). */
  workflowBundle: WorkflowBundle;
  stop(): Promise<void>;
}

export interface TestEngineOptions {
  faults?: Partial<FaultPlan>;
  /** Which ERP the worker posts to: the built-in simulator (default) or the SAP OData test double. */
  erp?: 'sim' | 's4hana';
  bridge?: BridgeOptions | false;
  /** `false`: no in-process Temporal worker; the test runs `workers/temporal-worker.ts` as its own process. */
  worker?: false;
  /**
   * The worker's adapter's HTTP timeout and the ERP's commit window (ms), for tests whose ERP commits late; the
   * adapter's defaults (15 s, 0) when absent.
   */
  erpTiming?: { timeoutMs: number; commitWindowMs: number };
}


/** Real servers on free loopback ports in a fresh temp dir, and the engine's services wired as `npm start` does. */
export const startTestEngine = (opts: TestEngineOptions = {}): Promise<TestEngine> =>
  startTestEngineOn((dataDir) => startStack({ dataDir }), opts);

/**
 * The engine's services wired as `npm start` does, on the servers `startServers` starts in a fresh temp dir (the
 * dev-server stack, or the Temporal cluster profile).
 */
export async function startTestEngineOn<S extends EngineServers>(
  startServers: (dataDir: string) => Promise<S>,
  opts: TestEngineOptions = {},
): Promise<TestEngine<S>> {
  // Injected ERP faults make activities fail on purpose; only errors are worth showing.
  installTemporalRuntime(log, 'ERROR');
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mes-test-'));
  // mkdtemp makes 0700; PostgreSQL runs as user postgres when we are root and must reach its cluster dir.
  await chmod(dataDir, 0o755);
  const [started, bundled] = await Promise.allSettled([
    startServers(dataDir),
    bundleMesWorkflows(new DefaultLogger('ERROR')),
  ]);
  // Servers that came up while the bundle failed are stopped: no process outlives a failed start.
  if (bundled.status === 'rejected') {
    if (started.status === 'fulfilled') await started.value.stop();
    throw bundled.reason;
  }
  if (started.status === 'rejected') throw started.reason;
  const [stack, workflowBundle] = [started.value, bundled.value];
  const sap = opts.erp === 's4hana' ? buildSapDouble({ ...SAP_CREDS, faults: opts.faults }) : undefined;
  try {
    const sapConfig = sap && {
      adapter: 's4hana' as const,
      baseUrl: await sap.listen({ host: '127.0.0.1', port: 0 }),
      client: SAP_CREDS.client,
      auth: { kind: 'basic' as const, user: SAP_CREDS.user, password: SAP_CREDS.password },
      ...opts.erpTiming,
    };
    const plant = await loadPlantModel(path.join(projectRoot, 'seed', 'demo-plant.yaml'));
    const services = await startServices({
      databaseUrl: stack.postgres.url,
      nats: natsSettingsOf(stack.nats),
      temporal: { address: stack.temporal.address, namespace: stack.temporal.namespace },
      erpSim: { faults: sap ? undefined : opts.faults, ...opts.erpTiming },
      erp: sapConfig,
      workflowBundle,
      bridge: opts.bridge,
      worker: opts.worker,
      plant,
      log,
    });
    return {
      stack,
      services,
      dataDir,
      sap,
      workflowBundle,
      erpFaults: sap ? sap.faults : services.erpSim.app.faults,
      // Configured as the workers' (the plant file's unit mapping), so what a test reads or posts is what they would.
      erp: createErpAdapter(withPlantUnits(sapConfig ?? { adapter: 'sim', simUrl: services.erpSimUrl }, plant)),
      stop: async () => {
        let unreplayable: string[] = [];
        try {
          unreplayable = await unreplayableHistories(services.client, workflowBundle);
        } finally {
          await services.stop();
          await sap?.close();
          await stack.stop();
          await rm(dataDir, { recursive: true, force: true });
        }
        if (unreplayable.length > 0) throw new Error(`histories that do not replay with the workflow code:\n${unreplayable.join('\n')}`);
      },
    };
  } catch (err) {
    await sap?.close();
    await stack.stop();
    throw err;
  }
}

export { eventually } from './eventually.js';
