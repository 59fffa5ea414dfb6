import path from 'node:path';
import type { NatsServer } from '../stack/nats.js';
import type { PostgresServer } from '../stack/postgres.js';
import type { SoakErp } from './erp.js';
import type { PartSpec } from './supervisor.js';

/** What the processes are given of the servers; the embedded stack and the cluster profile both have it. */
export interface PartServers {
  postgres: Pick<PostgresServer, 'url'>;
  nats: Pick<NatsServer, 'url' | 'user' | 'password' | 'replicas'>;
  temporal: { address: string; namespace: string };
}

/**
 * The engine's processes as production runs them (package.json's start:* scripts), each with the environment it
 * reads (workers/wiring/config.ts, edge-config.ts), on the embedded stack or the cluster profile. The addresses are the servers' fixed ports, so a process started
 * again after a server restart finds it where it was. The ERP (`erp`) is one of them, and every engine process
 * reaches it through the adapter `erp.env` names, as a plant configures it. `shiftLateGraceS`: the late grace of the
 * shifts the bridge starts (`MES_SHIFT_LATE_GRACE_S`; the bridge's default when absent).
 */
export function enginePart(o: { stack: PartServers; dataDir: string; plantFile: string; erp: SoakErp; ports: { api: number; bridge: number; edge: number; metrics?: { worker: number; temporal: number; api: number; listener: number } }; shiftLateGraceS?: number }): PartSpec[] {
  const { stack } = o;
  // Every process provisions the streams with the servers' replicas (3 on the cluster profile), as `npm start` does.
  const nats = { NATS_URL: stack.nats.url, NATS_USER: stack.nats.user, NATS_PASSWORD: stack.nats.password, MES_NATS_REPLICAS: String(stack.nats.replicas), MES_LOG_LEVEL: 'warn' };
  const engine = {
    ...nats,
    DATABASE_URL: stack.postgres.url,
    TEMPORAL_ADDRESS: stack.temporal.address,
    TEMPORAL_NAMESPACE: stack.temporal.namespace,
    ...o.erp.env,
  };
  // The metrics endpoints of the worker, listener and API on free ports when given (two soaks on one host), else their defaults.
  const m = o.ports.metrics;
  const metricsEnv = (name: 'worker' | 'api' | 'listener'): Record<string, string> => {
    if (!m) return {};
    if (name === 'worker') return { MES_WORKER_METRICS_PORT: String(m.worker), MES_TEMPORAL_METRICS_PORT: String(m.temporal) };
    return name === 'api' ? { MES_API_METRICS_PORT: String(m.api) } : { MES_LISTENER_METRICS_PORT: String(m.listener) };
  };
  return [
    { ...o.erp.part, env: { ...engine, ...o.erp.part.env } },
    { name: 'worker', script: 'workers/temporal-worker.ts', env: { ...engine, ...metricsEnv('worker') } },
    { name: 'erp-listener', script: 'workers/erp-listener.ts', env: { ...engine, ...metricsEnv('listener') } },
    {
      name: 'bridge',
      script: 'workers/signal-bridge.ts',
      env: { ...engine, MES_BRIDGE_METRICS_PORT: String(o.ports.bridge), ...(o.shiftLateGraceS === undefined ? {} : { MES_SHIFT_LATE_GRACE_S: String(o.shiftLateGraceS) }) },
    },
    { name: 'api', script: 'workers/planner-api.ts', env: { ...engine, MES_API_PORT: String(o.ports.api), MES_API_HOST: '127.0.0.1', ...metricsEnv('api') } },
    {
      name: 'edge',
      script: 'workers/edge-gateway.ts',
      env: {
        ...nats,
        MES_PLANT_FILE: o.plantFile,
        MES_EDGE_BUFFER_DIR: path.join(o.dataDir, 'edge-buffer'),
        MES_EDGE_CERT_DIR: path.join(o.dataDir, 'edge-pki'),
        MES_EDGE_TRUST_UNKNOWN_SERVERS: 'true',
        MES_EDGE_METRICS_PORT: String(o.ports.edge),
      },
    },
  ];
}
