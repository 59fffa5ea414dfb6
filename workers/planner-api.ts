import { jetstream } from '@nats-io/jetstream';
import { Registry } from 'prom-client';
import { buildPlannerApi } from '../api/app.js';
import { createApiMetrics } from '../api/metrics.js';
import { createDb } from '../db/client.js';
import { createErpAdapter, withPlantUnits } from '../erp/index.js';
import { createErpMetrics, withErpMetrics } from '../erp/metrics.js';
import { erpAdapterConfig, natsSettings, readEnv } from './wiring/config.js';
import { reconciliations } from '../services/reconciliation/reconcile.js';
import { publishRefusedRelease } from '../services/release-check.js';
import { sapIntakeFor } from '../services/sap-intake.js';
import { loadPlantModel } from '../seed/plant-file.js';
import { connectNats } from './wiring/nats.js';
import { runProcess } from './wiring/lifecycle.js';
import { temporalTargetFromEnv } from './wiring/temporal-connection.js';
import { createLogger, logLevel } from './wiring/logger.js';
import { connectTemporalClient } from './wiring/temporal-client.js';
import { serveMetrics } from './wiring/metrics-server.js';

/**
 * The planner API process: HTTP on MES_API_HOST:MES_API_PORT, tokens from `npm run api:token`; NATS for the releases
 * its ERP webhook refuses, which go to the exceptions stream.
 */
const log = createLogger('planner-api', logLevel(process.env.MES_LOG_LEVEL));
runProcess('planner-api', log, async () => {
  const env = readEnv(process.env);
  const db = createDb(env.DATABASE_URL);
  const { client, connection } = await connectTemporalClient(temporalTargetFromEnv(process.env, env), log);
  // With a plant file, SAP's business events over the webhook place orders on lines and read units by it.
  const plant = env.MES_PLANT_FILE ? await loadPlantModel(env.MES_PLANT_FILE) : undefined;
  const registry = new Registry();
  const erp = withErpMetrics(createErpAdapter(withPlantUnits(erpAdapterConfig(env), plant)), createErpMetrics(registry));
  const nc = await connectNats(natsSettings(env), 'planner-api');
  const js = jetstream(nc);
  const app = await buildPlannerApi({
    db,
    client,
    webhookSecret: env.MES_WEBHOOK_SECRET,
    reconciliation: reconciliations({ client, db, erp }),
    reportRefusedRelease: (release, refusal) => publishRefusedRelease(js, 'erp-webhook', release, refusal),
    republish: async (subject, payload) => void (await js.publish(subject, payload)),
    sapIntake: sapIntakeFor(client, db, erp, plant),
    nc,
  }, { metrics: createApiMetrics(registry) });
  const metricsServer = await serveMetrics(registry, env.MES_API_METRICS_PORT);
  const url = await app.listen({ host: env.MES_API_HOST, port: env.MES_API_PORT });
  log.info({ listening: url, metrics: `http://127.0.0.1:${env.MES_API_METRICS_PORT}/metrics` }, 'planner API listening');
  return async () => {
    await app.close();
    await metricsServer.stop();
    await nc.drain();
    await connection.close();
    await db.$client.end();
  };
}, process.env);
