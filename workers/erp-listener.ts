import { jetstreamManager } from '@nats-io/jetstream';
import { startErpReleaseListener } from '../bridge/erp-release-listener.js';
import { provisionStreams } from '../bridge/streams.js';
import { readEnv } from './wiring/config.js';
import { runProcess } from './wiring/lifecycle.js';
import { createLogger } from './wiring/logger.js';
import { connectNats } from './wiring/nats.js';
import { connectTemporalClient } from './wiring/temporal-client.js';

/** The ERP listener process: ERP release events from NATS become work-order workflows, idempotently. */
const log = createLogger('erp-listener');
runProcess('erp-listener', log, async () => {
  const env = readEnv();
  const { client, connection } = await connectTemporalClient(env.TEMPORAL_ADDRESS, env.TEMPORAL_NAMESPACE, log);
  const nc = await connectNats({ url: env.NATS_URL, user: env.NATS_USER, password: env.NATS_PASSWORD }, 'erp-listener');
  await provisionStreams(await jetstreamManager(nc));
  const listener = startErpReleaseListener({ nc, client, log });
  return async () => {
    await listener.stop();
    await nc.drain();
    await connection.close();
  };
});
