import { jetstreamManager } from '@nats-io/jetstream';
import { startErpReleaseListener } from '../bridge/erp-release-listener.js';
import { createDb } from '../db/client.js';
import { provisionStreams } from '../jetstream/provision.js';
import { natsSettings, readEnv } from './wiring/config.js';
import { runProcess } from './wiring/lifecycle.js';
import { temporalTargetFromEnv } from './wiring/temporal-connection.js';
import { createLogger, logLevel } from './wiring/logger.js';
import { connectNats } from './wiring/nats.js';
import { connectTemporalClient } from './wiring/temporal-client.js';

/**
 * The ERP listener process: ERP release events from NATS become work-order workflows, idempotently; releases the MES
 * cannot place or of closed orders (read from PostgreSQL) become exceptions.
 */
const log = createLogger('erp-listener', logLevel(process.env.MES_LOG_LEVEL));
runProcess('erp-listener', log, async () => {
  const env = readEnv(process.env);
  const db = createDb(env.DATABASE_URL);
  const { client, connection } = await connectTemporalClient(temporalTargetFromEnv(process.env, env), log);
  const nc = await connectNats(natsSettings(env), 'erp-listener');
  const jsm = await jetstreamManager(nc);
  // Run at start and again when the durable or its stream is found gone while running.
  const provision = () => provisionStreams(jsm);
  await provision();
  const listener = startErpReleaseListener({ nc, client, db, log, provision });
  return async () => {
    await listener.stop();
    await nc.drain();
    await connection.close();
    await db.$client.end();
  };
});
