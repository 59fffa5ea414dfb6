import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Client, Connection } from '@temporalio/client';
import type { WorkflowBundle } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { FaultPlan } from '../../contracts/messages/erp-sim.js';
import { startErpReleaseListener } from '../../bridge/erp-release-listener.js';
import { provisionStreams } from '../../bridge/streams.js';
import { createDb, type Db } from '../../db/client.js';
import { migrateMes } from '../../db/migrate.js';
import { createErpAdapter, type ErpAdapterConfig } from '../../erp/index.js';
import { startErpSimulator } from './erp-simulator.js';
import { connectNats, type NatsSettings } from './nats.js';
import { createMesWorker } from './temporal-worker.js';

export interface ServicesOptions {
  databaseUrl: string;
  nats: NatsSettings;
  temporal: { address: string; namespace: string };
  erpSim: { port?: number; faults?: Partial<FaultPlan> };
  /** The ERP the worker posts to; the in-process simulator when absent (the simulator runs either way). */
  erp?: ErpAdapterConfig;
  workflowBundle?: WorkflowBundle;
  log: Logger;
}

export interface Services {
  db: Db;
  nc: NatsConnection;
  client: Client;
  erpSimUrl: string;
  erpSim: Awaited<ReturnType<typeof startErpSimulator>>;
  stop(): Promise<void>;
}

/**
 * The engine's processes in one: migrations, ERP simulator, Temporal worker and ERP release listener. `npm start`
 * and the integration tests use this same wiring; in production each runs from its own entrypoint in `workers/`.
 */
export async function startServices(o: ServicesOptions): Promise<Services> {
  const db = createDb(o.databaseUrl);
  await migrateMes(db);
  const erpSim = await startErpSimulator({ databaseUrl: o.databaseUrl, port: o.erpSim.port, faults: o.erpSim.faults });
  const erp = createErpAdapter(o.erp ?? { adapter: 'sim', simUrl: erpSim.url });
  const { worker, connection: workerConnection } = await createMesWorker(
    { ...o.temporal, workflowBundle: o.workflowBundle },
    { erp, db },
  );
  const running = worker.run();
  const connection = await Connection.connect({ address: o.temporal.address });
  const client = new Client({ connection, namespace: o.temporal.namespace });
  const nc = await connectNats(o.nats, 'mes-engine');
  await provisionStreams(await jetstreamManager(nc));
  const listener = startErpReleaseListener({ nc, client, log: o.log.child({ process: 'erp-listener' }) });
  return {
    db,
    nc,
    client,
    erpSimUrl: erpSim.url,
    erpSim,
    stop: async () => {
      await listener.stop();
      await nc.drain();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await workerConnection.close();
      await connection.close();
      await erpSim.stop();
      await db.$client.end();
    },
  };
}
