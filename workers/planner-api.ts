import { buildPlannerApi } from '../api/app.js';
import { createDb } from '../db/client.js';
import { createErpAdapter } from '../erp/index.js';
import { erpAdapterConfig, readEnv } from './wiring/config.js';
import { reconciliations } from './wiring/reconcile.js';
import { runProcess } from './wiring/lifecycle.js';
import { createLogger } from './wiring/logger.js';
import { connectTemporalClient } from './wiring/temporal-client.js';

/** The planner API process: HTTP on MES_API_HOST:MES_API_PORT, tokens from `npm run api:token`. */
const log = createLogger('planner-api');
runProcess('planner-api', log, async () => {
  const env = readEnv();
  const db = createDb(env.DATABASE_URL);
  const { client, connection } = await connectTemporalClient(env.TEMPORAL_ADDRESS, env.TEMPORAL_NAMESPACE, log);
  const erp = createErpAdapter(erpAdapterConfig(env));
  const app = await buildPlannerApi({
    db,
    client,
    webhookSecret: env.MES_WEBHOOK_SECRET,
    reconciliation: reconciliations({ client, db, erp }),
  });
  const url = await app.listen({ host: env.MES_API_HOST, port: env.MES_API_PORT });
  log.info({ listening: url }, 'planner API listening');
  return async () => {
    await app.close();
    await connection.close();
    await db.$client.end();
  };
});
