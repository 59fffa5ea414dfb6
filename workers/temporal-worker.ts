import { Registry } from 'prom-client';
import { createDb } from '../db/client.js';
import { createErpAdapter, withPlantUnits } from '../erp/index.js';
import { createErpMetrics, withErpMetrics } from '../erp/metrics.js';
import { loadPlantModel } from '../seed/plant-file.js';
import { erpAdapterConfig, natsSettings, readEnv } from './wiring/config.js';
import { backgroundWipPublisher } from './wiring/wip-publisher.js';
import { runProcess } from './wiring/lifecycle.js';
import { temporalTargetFromEnv } from './wiring/temporal-connection.js';
import { createLogger, logLevel } from './wiring/logger.js';
import { serveMetrics } from './wiring/metrics-server.js';
import { installTemporalRuntime } from './wiring/temporal-runtime.js';
import { createMesWorker } from './wiring/temporal-worker.js';

/**
 * The Temporal worker process: runs work-order workflows and their ERP and read-model activities (the read model's
 * live WIP goes out on NATS).
 */
const log = createLogger('temporal-worker', logLevel(process.env.MES_LOG_LEVEL));
runProcess('temporal-worker', log, async () => {
  const env = readEnv(process.env);
  // Before any connection: the runtime, and its Prometheus exporter of the SDK's metrics, are set once.
  installTemporalRuntime(log, 'WARN', env.MES_TEMPORAL_METRICS_PORT);
  const db = createDb(env.DATABASE_URL);
  // SAP reads and writes units by the plant file's mapping (erpUnits) when MES_PLANT_FILE names it.
  const plant = env.MES_PLANT_FILE ? await loadPlantModel(env.MES_PLANT_FILE) : undefined;
  const registry = new Registry();
  const erp = withErpMetrics(createErpAdapter(withPlantUnits(erpAdapterConfig(env), plant)), createErpMetrics(registry));
  const metricsServer = await serveMetrics(registry, env.MES_WORKER_METRICS_PORT);
  log.info({ metrics: `http://127.0.0.1:${env.MES_WORKER_METRICS_PORT}/metrics`, temporalMetrics: `http://127.0.0.1:${env.MES_TEMPORAL_METRICS_PORT}/metrics` }, 'metrics');
  // Live WIP for dashboards goes out on NATS as the workflows write their read model rows; NATS need not be up.
  const wip = backgroundWipPublisher(natsSettings(env), 'temporal-worker', (err) => log.error({ err }, 'NATS connection for live WIP failed'));
  const { worker, connection } = await createMesWorker(
    { ...temporalTargetFromEnv(process.env, env), maxCachedWorkflows: env.MES_WORKFLOW_CACHE_SIZE },
    { erp, db, publishWip: wip.publish, publishJson: wip.publishJson },
  );
  const running = worker.run();
  return async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
    await connection.close();
    await wip.close();
    await metricsServer.stop();
    await db.$client.end();
  };
}, process.env);
