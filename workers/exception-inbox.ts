import { jetstreamManager } from '@nats-io/jetstream';
import { createDb } from '../db/client.js';
import { provisionStreams } from '../jetstream/provision.js';
import { startExceptionService } from './wiring/exception-service.js';
import { routingOrNone } from '../services/exceptions/routing-file.js';
import { natsSettings, readEnv } from './wiring/config.js';
import { runProcess } from './wiring/lifecycle.js';
import { createLogger, logLevel } from './wiring/logger.js';
import { connectNats } from './wiring/nats.js';
import { connectTemporalClient } from './wiring/temporal-client.js';
import { temporalTargetFromEnv } from './wiring/temporal-connection.js';

/**
 * The exception inbox process (docs/exceptions.md): OPS_EXCEPTIONS -> exception records -> routing workflows.
 * MES_EXCEPTION_ROUTING names the routing file (YAML or JSON); without it the records are kept and nobody is told.
 */
const log = createLogger('exception-inbox', logLevel(process.env.MES_LOG_LEVEL));
runProcess('exception-inbox', log, async () => {
  const env = readEnv(process.env);
  const routing = await routingOrNone(process.env.MES_EXCEPTION_ROUTING);
  const db = createDb(env.DATABASE_URL);
  const temporal = temporalTargetFromEnv(process.env, env);
  const { client, connection } = await connectTemporalClient(temporal, log);
  const nats = natsSettings(env);
  const nc = await connectNats(nats, 'exception-inbox');
  const jsm = await jetstreamManager(nc);
  const provision = () => provisionStreams(jsm, nats.streams);
  await provision();
  const service = await startExceptionService({ db, nc, client, temporal, routing, provision, log });
  return async () => {
    await service.stop();
    await nc.drain();
    await connection.close();
    await db.$client.end();
  };
});
