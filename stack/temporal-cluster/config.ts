import getPort, { portNumbers } from 'get-port';
import { stringify } from 'yaml';
import { freePort } from '../free-port.js';
import { TEMPORAL_DATABASES, type SqlEndpoint } from './schema.js';

/** The four service kinds of a Temporal server; each cluster process runs exactly one. */
export const SERVICE_KINDS = ['frontend', 'history', 'matching', 'worker'] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

/** One server process of the cluster: its service and its own loopback ports. */
export interface ServiceProcessPlan {
  /** `history-2` when there are several of a kind, else the kind. */
  name: string;
  kind: ServiceKind;
  grpcPort: number;
  membershipPort: number;
  /** Prometheus scrape port of this process (`/metrics`). */
  metricsPort: number;
  /** The frontend's HTTP API port; 0 for the other kinds. */
  httpPort: number;
}

/**
 * A free loopback port the membership table can hold: `cluster_membership.rpc_port` is a SMALLINT, so a port above
 * 32767 (every ephemeral port Linux hands out) makes the process die at its first heartbeat. A random start in the
 * range keeps concurrent clusters from racing for the same port.
 */
const membershipPort = () => {
  const from = 20_000 + Math.floor(Math.random() * 12_000);
  return getPort({ host: '127.0.0.1', port: [...portNumbers(from, 32_767), ...portNumbers(10_000, from - 1)] });
};

/**
 * Free loopback ports for every process: one frontend (on `frontendPort` when it is free), matching and worker, and
 * `historyCount` history processes.
 * Each process needs its own gRPC, membership (ringpop gossip) and metrics ports, as they share one host.
 */
export async function planServiceProcesses(historyCount: number, frontendPort?: number): Promise<ServiceProcessPlan[]> {
  const kinds: ServiceKind[] = ['frontend', 'matching', 'worker', ...Array<ServiceKind>(historyCount).fill('history')];
  const plans: ServiceProcessPlan[] = [];
  let historyNo = 0;
  for (const kind of kinds) {
    const name = kind === 'history' && historyCount > 1 ? `history-${++historyNo}` : kind;
    plans.push({
      name,
      kind,
      grpcPort: await freePort(kind === 'frontend' ? frontendPort : undefined),
      membershipPort: await membershipPort(),
      metricsPort: await freePort(),
      httpPort: kind === 'frontend' ? await freePort() : 0,
    });
  }
  return plans;
}

export interface ClusterConfigInput {
  sql: SqlEndpoint;
  /** Fixed for the cluster's lifetime: the history data is partitioned by it, so it cannot change once set up. */
  numHistoryShards: number;
  /** All processes of the cluster; `self` names the one this file is for. */
  processes: ServiceProcessPlan[];
  self: ServiceProcessPlan;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

const datastore = (sql: SqlEndpoint, databaseName: string, maxConns: number) => ({
  sql: {
    pluginName: 'postgres12',
    databaseName,
    connectAddr: `${sql.host}:${sql.port}`,
    connectProtocol: 'tcp',
    user: sql.user,
    password: sql.password,
    maxConns,
    maxIdleConns: maxConns,
    maxConnLifetime: '1h',
  },
});

/**
 * The server YAML of one process, adapted from the module's `config/development-postgres12.yaml`: persistence and
 * visibility on PostgreSQL, every service bound to 127.0.0.1. The `services` section carries this process's own ports
 * for its kind and the first process's of every other kind; the processes find each other through the
 * `cluster_membership` table, so these entries only matter for the kind the process runs.
 */
export function clusterConfigYaml(c: ClusterConfigInput): string {
  const frontend = c.processes.find((p) => p.kind === 'frontend');
  if (!frontend) throw new Error('a Temporal cluster needs a frontend process');
  const services = Object.fromEntries(
    SERVICE_KINDS.map((kind) => {
      const p = c.self.kind === kind ? c.self : c.processes.find((q) => q.kind === kind);
      if (!p) throw new Error(`a Temporal cluster needs a ${kind} process`);
      const rpc = { grpcPort: p.grpcPort, membershipPort: p.membershipPort, bindOnIP: '127.0.0.1', ...(p.httpPort ? { httpPort: p.httpPort } : {}) };
      return [kind, { rpc }];
    }),
  );
  return stringify({
    log: { stdout: true, level: c.logLevel, format: 'json' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: c.numHistoryShards,
      datastores: {
        // Several processes share the server's max_connections (200 for the embedded one): keep each pool small.
        'postgres-default': datastore(c.sql, TEMPORAL_DATABASES.default, 10),
        'postgres-visibility': datastore(c.sql, TEMPORAL_DATABASES.visibility, 4),
      },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      metrics: { prometheus: { framework: 'tally', timerType: 'histogram', listenAddress: `127.0.0.1:${c.self.metricsPort}` } },
    },
    services,
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `127.0.0.1:${frontend.grpcPort}` },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    // The worker service's system workflows reach the frontend here rather than by membership lookup.
    publicClient: { hostPort: `127.0.0.1:${frontend.grpcPort}` },
  });
}
