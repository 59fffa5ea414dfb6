import path from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { erpReleaseSubject } from '../contracts/names.js';
import { loadPlantModel } from '../seed/plant-file.js';
import { checkRelease } from '../services/release-check.js';
import { startClusterStack, startStack, WELL_KNOWN_PORTS } from '../stack/index.js';
import { defaultDataDir, projectRoot } from '../stack/paths.js';
import { startDemoEdge } from './wiring/edge-demo.js';
import { demoErp, readDemoEnv } from './wiring/config.js';
import { createLogger } from './wiring/logger.js';
import { startDemoApi } from './wiring/demo-api.js';
import { natsSettingsOf } from './wiring/nats.js';
import { startServices } from './wiring/services.js';
import { startExceptionService } from './wiring/exception-service.js';
import { routingOrNone } from '../services/exceptions/routing-file.js';
import { jetstreamManager } from '@nats-io/jetstream';
import { provisionStreams } from '../jetstream/provision.js';
import { startTracing } from '../observability/tracing.js';
import { installTemporalRuntime } from './wiring/temporal-runtime.js';

/**
 * `npm start`: the whole engine on its embedded default, one process. Servers (Temporal dev server with Web UI, or
 * with `MES_TEMPORAL_PROFILE=cluster` Temporal's services as processes on PostgreSQL; nats-server, PostgreSQL),
 * migrations, demo plant, ERP simulator, Temporal worker, ERP release listener, signal bridge, planner API, and the
 * OPC UA line simulator with the edge gateway reading it. The worker posts to the ERP `MES_ERP_ADAPTER` names (SAP
 * S/4HANA with the SAP_* settings, a REST ERP, or the simulator), and says which.
 */
const env = readDemoEnv(process.env);
const log = createLogger('mes', env.MES_LOG_LEVEL);
installTemporalRuntime(log);
// Traces over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (docs/observability.md); started before any client.
const tracing = startTracing('mes', process.env);
const dataDir = env.MES_DATA_DIR ?? defaultDataDir;
const plantFile = env.MES_PLANT_FILE ?? path.join(projectRoot, 'seed', 'demo-plant.yaml');

async function main(): Promise<void> {
  const plant = await loadPlantModel(plantFile); // a bad plant file stops us before any server starts
  const t0 = performance.now();
  const stack = env.MES_TEMPORAL_PROFILE === 'cluster'
    ? await startClusterStack({ dataDir, ports: WELL_KNOWN_PORTS, databaseUrl: env.DATABASE_URL })
    : await startStack({ dataDir, ports: WELL_KNOWN_PORTS, databaseUrl: env.DATABASE_URL });
  // The simulator listens on its port in-process whichever ERP the worker posts to.
  const erp = demoErp(env, `http://127.0.0.1:${env.MES_ERP_SIM_PORT}`);
  log.info({ erp: erp.describe }, 'ERP');
  const services = await startServices({
    databaseUrl: stack.postgres.url,
    nats: natsSettingsOf(stack.nats),
    temporal: { address: stack.temporal.address, namespace: stack.temporal.namespace },
    erpSim: { port: env.MES_ERP_SIM_PORT },
    erp: erp.erp,
    plant,
    log,
  }).catch(async (err) => {
    await stack.stop();
    throw err;
  });
  const js = jetstream(services.nc);
  for (const r of plant.demoOrders) {
    // A demo order closed in an earlier start stays closed: published again it would only raise a "closed order"
    // exception (services/release-check.ts).
    if ((await checkRelease(services.db, r))?.kind === 'closed') continue;
    await js.publish(erpReleaseSubject(r.site), JSON.stringify(r), { msgID: `release:${r.site}:${r.erpOrderId}:${r.releasedAt}` });
  }
  // The exception inbox (docs/exceptions.md): records always, notifications by MES_EXCEPTION_ROUTING's rules.
  const exceptions = await startExceptionService({
    db: services.db, nc: services.nc, client: services.client, temporal: { address: stack.temporal.address, namespace: stack.temporal.namespace },
    routing: await routingOrNone(process.env.MES_EXCEPTION_ROUTING), provision: async () => provisionStreams(await jetstreamManager(services.nc), natsSettingsOf(stack.nats).streams), log,
  });
  const edge = await startDemoEdge({ plant, nc: services.nc, dataDir, log });
  const api = await startDemoApi(services, dataDir, { port: env.MES_API_PORT, webhookSecret: env.MES_WEBHOOK_SECRET });
  const firstOrder = plant.demoOrders[0];
  const t = stack.temporal;
  const uiLines = (uiUrl: string | undefined) =>
    uiUrl
      ? [
          `  Temporal Web UI   ${uiUrl}`,
          ...(firstOrder ? [`  demo order        ${uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(`ErpOrderId="${firstOrder.erpOrderId}"`)}`] : []),
        ]
      : [];
  const temporalLines = 'binary' in t
    ? [...uiLines(t.uiUrl), `  Temporal gRPC     ${t.address}   (binary: ${t.binary.source})`]
    : [
        ...uiLines(t.uiUrl),
        `  Temporal gRPC     ${t.address}   (cluster profile: server ${t.version} on PostgreSQL${t.uiUrl ? '' : ', no Web UI: ui-server not built'})`,
        `  Temporal services ${t.processes.map((p) => `${p.plan.name} pid ${p.pid}`).join(', ')}`,
      ];
  const natsLines = (n: typeof stack.nats) =>
    'nodes' in n
      ? [
          `  NATS cluster      ${n.urls.join(' ')}   (${n.nodes.length} nodes, streams keep ${n.replicas} replicas; binary: ${n.binary.source})`,
          `  NATS_URL          ${n.url}   (credentials in ${path.join(dataDir, 'nats-cluster')})`,
        ]
      : [`  NATS              ${n.url}   (binary: ${n.binary.source}; credentials in ${path.join(dataDir, 'nats')})`];
  const lines = [
    '',
    'MES orchestration engine is running (Ctrl-C stops everything)',
    ...temporalLines,
    ...natsLines(stack.nats),
    `  PostgreSQL        ${stack.postgres.url.replace(/:[^:@/]+@/, ':***@')}   (${stack.postgres.source})`,
    `  ERP               posts to ${erp.describe}`,
    ...(erp.erp ? [`  ERP simulator     ${services.erpSimUrl}/api/postings   (running, not posted to)`] : []),
    `  planner API       ${api.url}/docs   (planner token in ${api.tokenFile})`,
    `  supervisor page   ${api.url}/ui   (same token, or npm run api:token -- <name> <role> <site>/<line>)`,
    `  OPC UA simulator  ${edge.simEndpoint}   (edge gateway metrics ${edge.metricsUrl})`,
    `  data directory    ${dataDir}`,
    `  started in        ${Math.round(performance.now() - t0)} ms (servers ${stack.startupMs.total} ms)`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    await edge.stop();
    await api.stop();
    await exceptions.stop();
    await services.stop();
    await stack.stop();
    await tracing?.shutdown();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: Error) => {
  process.stderr.write(`\nnpm start failed: ${err.message}\n`);
  process.exit(1);
});
