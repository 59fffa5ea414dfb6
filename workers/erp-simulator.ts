import { readEnv } from './wiring/config.js';
import { startErpSimulator } from './wiring/erp-simulator.js';
import { runProcess } from './wiring/lifecycle.js';
import { createLogger, logLevel } from './wiring/logger.js';

/** The ERP simulator process; faults are set at run time with `PUT /admin/faults`. */
const log = createLogger('erp-simulator', logLevel(process.env.MES_LOG_LEVEL));
runProcess('erp-simulator', log, async () => {
  const env = readEnv(process.env);
  const sim = await startErpSimulator({ databaseUrl: env.DATABASE_URL, port: env.MES_ERP_SIM_PORT });
  log.info({ listening: sim.url }, 'ERP simulator listening');
  return sim.stop;
});
