import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Registry } from 'prom-client';
import { startErpReleaseListener } from '../bridge/erp-release-listener.js';
import { createListenerMetrics } from '../bridge/listener-metrics.js';
import { createDb } from '../db/client.js';
import { createErpAdapter, withPlantUnits } from '../erp/index.js';
import { provisionStreams } from '../jetstream/provision.js';
import { loadPlantModel } from '../seed/plant-file.js';
import { publishRefusedRelease } from '../services/release-check.js';
import { sapIntakeFor } from '../services/sap-intake.js';
import { publishPollerProblem, SapReleasePoller } from '../services/sap-release-poller.js';
import { erpAdapterConfig, natsSettings, readEnv } from './wiring/config.js';
import { runProcess } from './wiring/lifecycle.js';
import { temporalTargetFromEnv } from './wiring/temporal-connection.js';
import { createLogger, logLevel } from './wiring/logger.js';
import { connectNats } from './wiring/nats.js';
import { connectTemporalClient } from './wiring/temporal-client.js';
import { serveMetrics } from './wiring/metrics-server.js';

/**
 * The ERP listener process: ERP release events from NATS become work-order workflows, idempotently; releases the MES
 * cannot place or of closed orders (read from PostgreSQL) become exceptions. With MES_ERP_ADAPTER=s4hana and
 * MES_PLANT_FILE it also takes SAP's production order business events from the same subjects, and with
 * MES_SAP_POLL_SECONDS it polls SAP for released orders (docs/erp-s4hana.md).
 */
const log = createLogger('erp-listener', logLevel(process.env.MES_LOG_LEVEL));
runProcess('erp-listener', log, async () => {
  const env = readEnv(process.env);
  const db = createDb(env.DATABASE_URL);
  const { client, connection } = await connectTemporalClient(temporalTargetFromEnv(process.env, env), log);
  const nats = natsSettings(env);
  const nc = await connectNats(nats, 'erp-listener');
  const jsm = await jetstreamManager(nc);
  // Run at start and again when the durable or its stream is found gone while running.
  const provision = () => provisionStreams(jsm, nats.streams);
  await provision();
  const plant = env.MES_PLANT_FILE ? await loadPlantModel(env.MES_PLANT_FILE) : undefined;
  const erp = createErpAdapter(withPlantUnits(erpAdapterConfig(env), plant));
  const sapIntake = sapIntakeFor(client, db, erp, plant);
  const registry = new Registry();
  const listener = startErpReleaseListener({ nc, client, db, log, provision, sapIntake, metrics: createListenerMetrics(registry) });
  const metricsServer = await serveMetrics(registry, env.MES_LISTENER_METRICS_PORT);
  const poller = sapIntake && env.MES_SAP_POLL_SECONDS
    ? new SapReleasePoller(
      sapIntake,
      { since: env.MES_SAP_POLL_SINCE ?? new Date(Date.now() - 86_400_000).toISOString(), everyMs: env.MES_SAP_POLL_SECONDS * 1000 },
      log.child({ process: 'sap-poller' }),
      { refused: (release, refusal) => publishRefusedRelease(jetstream(nc), 'sap-poller', release, refusal), problem: publishPollerProblem(jetstream(nc)) },
    )
    : undefined;
  poller?.start();
  log.info({ sapEvents: sapIntake !== undefined, sapPoller: poller !== undefined, metrics: `http://127.0.0.1:${env.MES_LISTENER_METRICS_PORT}/metrics` }, 'ERP listener started');
  return async () => {
    await poller?.stop();
    await listener.stop();
    await metricsServer.stop();
    await nc.drain();
    await connection.close();
    await db.$client.end();
  };
}, process.env);
