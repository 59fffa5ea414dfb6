import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { loadPlantModel } from '../seed/plant-file.js';
import { startGateway } from '../edge/gateway.js';
import { startHealthServer } from '../edge/health.js';
import { edgeMachines } from '../edge/plant.js';
import { provisionStreams } from '../jetstream/provision.js';
import { credentialsFromEnv, readEdgeEnv } from './wiring/edge-config.js';
import { runProcess } from './wiring/lifecycle.js';
import { natsSettings } from './wiring/config.js';
import { createLogger, logLevel } from './wiring/logger.js';
import { connectNats } from './wiring/nats.js';

/** The edge gateway process: OPC UA machines of the plant model -> filters -> JetStream `mes.<site>.<line>.<machine>.<kind>`. */
const log = createLogger('edge-gateway', logLevel(process.env.MES_LOG_LEVEL));
runProcess('edge-gateway', log, async () => {
  const env = readEdgeEnv(process.env);
  const plant = await loadPlantModel(env.MES_PLANT_FILE);
  const machines = edgeMachines(plant, env.MES_SITE);
  if (machines.length === 0) throw new Error(`${env.MES_PLANT_FILE}: no machine has opcua settings${env.MES_SITE ? ` in site ${env.MES_SITE}` : ''}`);
  const nats = natsSettings(env);
  const nc = await connectNats(nats, 'edge-gateway');
  await provisionStreams(await jetstreamManager(nc), nats.streams);
  const gateway = startGateway({
    machines,
    js: jetstream(nc),
    log,
    bufferDir: env.MES_EDGE_BUFFER_DIR,
    maxBufferEvents: env.MES_EDGE_BUFFER_MAX_EVENTS,
    certDir: env.MES_EDGE_CERT_DIR,
    trustUnknownServers: env.MES_EDGE_TRUST_UNKNOWN_SERVERS,
    credentials: credentialsFromEnv(process.env),
  });
  const health = await startHealthServer(gateway.metrics, env.MES_EDGE_METRICS_PORT);
  log.info({ machines: machines.length, metrics: `http://127.0.0.1:${env.MES_EDGE_METRICS_PORT}/metrics` }, 'edge gateway reading');
  return async () => {
    health.close();
    await gateway.stop();
    await nc.drain();
  };
}, process.env);
