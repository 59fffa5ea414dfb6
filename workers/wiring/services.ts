import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Client } from '@temporalio/client';
import type { WorkflowBundle } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { FaultPlan } from '../../contracts/messages/erp-sim.js';
import { LineContextCache } from '../../bridge/context.js';
import { startErpReleaseListener } from '../../bridge/erp-release-listener.js';
import { createBridgeMetrics, type BridgeMetrics } from '../../bridge/metrics.js';
import { createListenerMetrics } from '../../bridge/listener-metrics.js';
import { startSignalBridge, type BridgeOptions } from '../../bridge/signal-bridge.js';
import { provisionStreams } from '../../jetstream/provision.js';
import { createDb, type Db } from '../../db/client.js';
import { migrateMes } from '../../db/migrate.js';
import { seedPlant } from '../../db/seed.js';
import type { PlantModel } from '../../contracts/messages/plant-model.js';
import { createErpAdapter, withPlantUnits, type ErpAdapterConfig } from '../../erp/index.js';
import type { ErpAdapter } from '../../contracts/erp-port.js';
import { startErpSimulator } from './erp-simulator.js';
import { connectNats, type NatsSettings } from './nats.js';
import { natsJsonPublisher, natsWipPublisher } from './wip-publisher.js';
import { connectTemporalClient } from './temporal-client.js';
import type { TemporalTarget } from './temporal-connection.js';
import { createMesWorker } from './temporal-worker.js';
import { publishRefusedRelease } from '../../services/release-check.js';
import { otherPlantCounter, sapIntakeFor, type SapIntakeDeps } from '../../services/sap-intake.js';
import { publishPollerProblem, SapReleasePoller, type SapPollerOptions } from '../../services/sap-release-poller.js';

export interface ServicesOptions {
  databaseUrl: string;
  nats: NatsSettings;
  temporal: TemporalTarget;
  /** The in-process simulator; `timeoutMs` / `commitWindowMs` are the worker's adapter's when it posts to it. */
  erpSim: { port?: number; faults?: Partial<FaultPlan>; timeoutMs?: number; commitWindowMs?: number };
  /** The ERP the worker posts to; the in-process simulator when absent (the simulator runs either way). */
  erp?: ErpAdapterConfig;
  workflowBundle?: WorkflowBundle;
  /** The worker's sticky cache; WORKFLOW_CACHE_SIZE when absent (workers/wiring/temporal-worker.ts). */
  maxCachedWorkflows?: number;
  /** Master data to seed before any consumer starts, so the first events already find their machines. */
  plant?: PlantModel;
  /** `false` leaves the signal bridge to separate processes (tests that kill one). */
  bridge?: BridgeOptions | false;
  /** `false` leaves the Temporal worker to a separate process (tests that kill one); started here by default. */
  worker?: false;
  /** Polls SAP for released orders (systems without business events); only with an ERP that has an order API. */
  sapPoller?: SapPollerOptions;
  log: Logger;
}

export interface Services {
  db: Db;
  nc: NatsConnection;
  client: Client;
  erpSimUrl: string;
  erpSim: Awaited<ReturnType<typeof startErpSimulator>>;
  /** The ERP adapter the worker posts through (reconciliation reads the ERP with it too). */
  erp: ErpAdapter;
  bridgeMetrics: BridgeMetrics;
  /** The signal bridge's line context; absent when the bridge runs elsewhere (`bridge: false`). */
  lineContext?: LineContextCache;
  /** The SAP intake (events and poller), when the ERP has an order API and a plant file was given. */
  sapIntake?: SapIntakeDeps;
  sapPoller?: SapReleasePoller;
  stop(): Promise<void>;
}

/**
 * The engine's processes in one: migrations, ERP simulator, Temporal worker, ERP release listener and signal bridge. `npm start`
 * and the integration tests use this same wiring; in production each runs from its own entrypoint in `workers/`.
 */
export async function startServices(o: ServicesOptions): Promise<Services> {
  const db = createDb(o.databaseUrl);
  await migrateMes(db);
  if (o.plant) await seedPlant(db, o.plant);
  const erpSim = await startErpSimulator({ databaseUrl: o.databaseUrl, port: o.erpSim.port, faults: o.erpSim.faults });
  // SAP takes the plant file's unit mapping unless its configuration brings its own.
  const erp = createErpAdapter(withPlantUnits(o.erp ?? { adapter: 'sim', simUrl: erpSim.url, timeoutMs: o.erpSim.timeoutMs, commitWindowMs: o.erpSim.commitWindowMs }, o.plant));
  const nc = await connectNats(o.nats, 'mes-engine');
  const mesWorker = o.worker === false
    ? undefined
    : await createMesWorker({ ...o.temporal, workflowBundle: o.workflowBundle, maxCachedWorkflows: o.maxCachedWorkflows }, { erp, db, publishWip: natsWipPublisher(nc), publishJson: natsJsonPublisher(nc) });
  const running = mesWorker?.worker.run();
  const { client, connection } = await connectTemporalClient(o.temporal, o.log);
  const jsm = await jetstreamManager(nc);
  // Run at start and again by a consumer that finds its durable or stream gone.
  const provision = () => provisionStreams(jsm, o.nats.streams);
  await provision();
  // SAP's business events and its poller read orders through the adapter; only an ERP with an order API has them.
  const bridgeMetrics = createBridgeMetrics();
  const sapIntake = sapIntakeFor(client, db, erp, o.plant, otherPlantCounter(bridgeMetrics.registry));
  // One process here: the listener's metrics share the bridge's registry.
  const listener = startErpReleaseListener({ nc, client, db, provision, sapIntake, metrics: createListenerMetrics(bridgeMetrics.registry), log: o.log.child({ process: 'erp-listener' }) });
  const poller = sapIntake && o.sapPoller
    ? new SapReleasePoller(sapIntake, o.sapPoller, o.log.child({ process: 'sap-poller' }), { refused: (release, refusal) => publishRefusedRelease(jetstream(nc), 'sap-poller', release, refusal), problem: publishPollerProblem(jetstream(nc)) })
    : undefined;
  poller?.start();
  // The line context (machine load and a LISTEN connection) only serves the bridge: none without it.
  let lineContext: LineContextCache | undefined;
  let bridge: ReturnType<typeof startSignalBridge> | undefined;
  if (o.bridge !== false) {
    lineContext = new LineContextCache(db, o.databaseUrl);
    await lineContext.start();
    bridge = startSignalBridge(
      { nc, client, db, context: lineContext, metrics: bridgeMetrics, provision, log: o.log.child({ process: 'signal-bridge' }) },
      o.bridge,
    );
  }
  return {
    erp,
    db,
    nc,
    client,
    erpSimUrl: erpSim.url,
    erpSim,
    bridgeMetrics,
    lineContext,
    sapIntake,
    sapPoller: poller,
    stop: async () => {
      await poller?.stop();
      await bridge?.stop();
      await lineContext?.stop();
      await listener.stop();
      await nc.drain();
      if (mesWorker?.worker.getState() === 'RUNNING') mesWorker.worker.shutdown();
      await running;
      await mesWorker?.connection.close();
      await connection.close();
      await erpSim.stop();
      await db.$client.end();
    },
  };
}
