import { createDb } from '../db/client.js';
import { createErpAdapter, withPlantUnits } from '../erp/index.js';
import { loadPlantModel } from '../seed/plant-file.js';
import { erpAdapterConfig, readEnv } from './wiring/config.js';
import { runProcess } from './wiring/lifecycle.js';
import { temporalTargetFromEnv } from './wiring/temporal-connection.js';
import { createLogger, logLevel } from './wiring/logger.js';
import { installTemporalRuntime } from './wiring/temporal-runtime.js';
import { createMesWorker } from './wiring/temporal-worker.js';

/** The Temporal worker process: runs work-order workflows and their ERP and read-model activities. */
const log = createLogger('temporal-worker', logLevel(process.env.MES_LOG_LEVEL));
installTemporalRuntime(log);
runProcess('temporal-worker', log, async () => {
  const env = readEnv(process.env);
  const db = createDb(env.DATABASE_URL);
  // SAP reads and writes units by the plant file's mapping (erpUnits) when MES_PLANT_FILE names it.
  const plant = env.MES_PLANT_FILE ? await loadPlantModel(env.MES_PLANT_FILE) : undefined;
  const erp = createErpAdapter(withPlantUnits(erpAdapterConfig(env), plant));
  const { worker, connection } = await createMesWorker({ ...temporalTargetFromEnv(process.env, env), maxCachedWorkflows: env.MES_WORKFLOW_CACHE_SIZE }, { erp, db });
  const running = worker.run();
  return async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
    await connection.close();
    await db.$client.end();
  };
}, process.env);
