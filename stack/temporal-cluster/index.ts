import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import pg from 'pg';
import { NAMESPACE_RETENTION_DAYS } from '../temporal.js';
import { findClusterBinaries, TEMPORAL_SERVER_VERSION, type ClusterBinaries } from './binaries.js';
import { clusterConfigYaml, planServiceProcesses, SERVICE_KINDS, type ServiceKind, type ServiceProcessPlan } from './config.js';
import { provisionNamespace, until } from './namespace.js';
import { spawnServiceProcess, waitListening, type ServiceProcess } from './processes.js';
import { setUpTemporalSchema, sqlEndpointOf, TEMPORAL_DATABASES, type SqlEndpoint } from './schema.js';
import { startTemporalUi, type UiProcess } from './ui.js';

export { TEMPORAL_SERVER_VERSION } from './binaries.js';
export type { ServiceKind } from './config.js';

export interface TemporalClusterOptions {
  /** Config files and each process's log go here. */
  dataDir: string;
  /** A `postgres://` URL whose user may create databases; its path's database is not used. */
  databaseUrl: string;
  /** The frontend's gRPC port when it is free (`npm start` prefers 7233), else any free port. */
  frontendPort?: number;
  /** How many history processes share the shards; 2 by default, so losing one leaves the cluster serving. */
  historyProcesses?: number;
  /** 4 by default: enough to spread over a few history processes. Fixed once the schema holds shards. */
  numHistoryShards?: number;
  /** Retention of closed runs; NAMESPACE_RETENTION_DAYS when absent, as on the dev server. */
  retentionDays?: number;
  /** How long each readiness step may take; 90 s by default (a busy 2-core machine). */
  startTimeoutMs?: number;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** The Web UI's HTTP port when it is free (`npm start` prefers 8233), else any free port. */
  uiPort?: number;
}

/** One live member of the cluster as the servers record it in PostgreSQL (`cluster_membership`). */
export interface ClusterMember {
  kind: ServiceKind;
  /** The member's membership (gossip) address, `127.0.0.1:<port>`. */
  address: string;
}

export interface TemporalCluster {
  /** The frontend's gRPC address, `127.0.0.1:<port>`: what clients and workers connect to. */
  address: string;
  namespace: string;
  retentionDays: number;
  version: string;
  binaries: ClusterBinaries;
  processes: ServiceProcess[];
  /**
   * Temporal's Web UI server pointing at the frontend (`uiUrl`, its HTTP API under `/api/v1`); undefined when the
   * ui-server is not built (`npx tsx stack/install-temporal-cluster.ts` builds it).
   */
  ui?: UiProcess;
  uiUrl?: string;
  /** Milliseconds: the schema tool's work, the processes' start to a served namespace, and both. */
  startupMs: { schema: number; services: number; total: number };
  /** Members whose heartbeat in `cluster_membership` has not expired (a killed one stays until its record expires). */
  members(): Promise<ClusterMember[]>;
  /** Stops every process (SIGTERM, then SIGKILL); safe to call twice. */
  stop(): Promise<void>;
}

// The server's persistence.ServiceType numbering, as stored in cluster_membership.role.
const ROLE_KINDS: Record<number, ServiceKind> = { 1: 'frontend', 2: 'history', 3: 'matching', 4: 'worker' };

async function withTemporalDb<T>(sql: SqlEndpoint, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...sql, database: TEMPORAL_DATABASES.default });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * The profile starts every process of the cluster, so any membership row left is of a process of an earlier run,
 * now gone. Left in place, each new process takes it as a seed to join and waits out the join timeout (30 s and more
 * seen) for a host that will never answer.
 */
const forgetEarlierMembers = (sql: SqlEndpoint) => withTemporalDb(sql, (c) => c.query('delete from cluster_membership'));

async function liveMembers(sql: SqlEndpoint): Promise<ClusterMember[]> {
  return withTemporalDb(sql, async (client) => {
    const rows = await client.query<{ role: number; rpc_address: string; rpc_port: number }>(
      'select role, rpc_address, rpc_port from cluster_membership where record_expiry > now() at time zone \'utc\' order by role, rpc_port',
    );
    return rows.rows.flatMap((r) => {
      const kind = ROLE_KINDS[r.role];
      return kind ? [{ kind, address: `${r.rpc_address}:${r.rpc_port}` }] : [];
    });
  });
}

/**
 * The cluster profile: Temporal's services as separate OS processes (frontend, matching, worker and
 * `historyProcesses` history) on PostgreSQL, loopback only. Sets up the `temporal` and `temporal_visibility`
 * databases, writes one config per process, starts them, and returns once namespace `default` is served with the
 * project's search attributes and retention, and Temporal's Web UI (when built) answers. On any failure every started process is stopped before the error
 * is thrown.
 * @throws MissingServerBinary when the binaries are not built (`npx tsx stack/install-temporal-cluster.ts`).
 * @throws Error naming the step and a process's log tail when a step fails or times out.
 */
export async function startTemporalCluster(opts: TemporalClusterOptions): Promise<TemporalCluster> {
  const t0 = performance.now();
  const binaries = await findClusterBinaries();
  const sql = sqlEndpointOf(opts.databaseUrl);
  const timeoutMs = opts.startTimeoutMs ?? 90_000;
  const namespace = 'default';
  const retentionDays = opts.retentionDays ?? NAMESPACE_RETENTION_DAYS;
  await mkdir(opts.dataDir, { recursive: true });
  const schemaMs = await setUpTemporalSchema(binaries.sqlTool, sql);
  await forgetEarlierMembers(sql);
  const tServices = performance.now();
  const plans = await planServiceProcesses(opts.historyProcesses ?? 2, opts.frontendPort);
  const processes: ServiceProcess[] = [];
  let ui: UiProcess | undefined;
  // Callers before the services they call: the worker service's shutdown calls the frontend (it waited out its
  // whole grace period when both stopped together), and history last, as every other kind reaches it.
  const stop = async () => {
    await ui?.stop();
    for (const kind of ['worker', 'frontend', 'matching', 'history']) {
      await Promise.all(processes.filter((p) => p.plan.kind === kind).map((p) => p.stop()));
    }
  };
  try {
    const launch = async (self: ServiceProcessPlan) => {
      const configFile = path.join(opts.dataDir, `${self.name}.yaml`);
      const yaml = clusterConfigYaml({ sql, numHistoryShards: opts.numHistoryShards ?? 4, processes: plans, self, logLevel: opts.logLevel ?? 'warn' });
      // The file holds the database password.
      await writeFile(configFile, yaml, { mode: 0o600 });
      const p = spawnServiceProcess(binaries.server, configFile, self, path.join(opts.dataDir, `${self.name}.log`));
      processes.push(p);
      await waitListening(p, timeoutMs);
    };
    // Every process writes the cluster metadata record on a fresh database if it is missing, and all but the first
    // writer die of the conflict: the frontend writes it alone, before the others start.
    const frontend = plans.find((p) => p.kind === 'frontend')!;
    await launch(frontend);
    // allSettled: every spawn is in `processes` before a failure reaches the stop below.
    const launched = await Promise.allSettled(plans.filter((p) => p !== frontend).map(launch));
    const failed = launched.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const address = `127.0.0.1:${frontend.grpcPort}`;
    await until('every process to join the membership ring', async () => {
      const kinds = (await liveMembers(sql)).map((m) => m.kind);
      const short = SERVICE_KINDS.filter((k) => kinds.filter((x) => x === k).length < plans.filter((p) => p.kind === k).length);
      if (short.length > 0) throw new Error(`waiting for ${short.join(', ')}`);
    }, timeoutMs);
    const connection = await until('connect to the frontend', () => Connection.connect({ address, connectTimeout: 5_000 }), timeoutMs);
    try {
      await provisionNamespace(connection, namespace, retentionDays, timeoutMs);
    } finally {
      await connection.close();
    }
    if (binaries.uiServer)
      ui = await startTemporalUi({ binary: binaries.uiServer, dataDir: opts.dataDir, frontendAddress: address, namespace, port: opts.uiPort, timeoutMs });
    const now = performance.now();
    return {
      ui,
      uiUrl: ui?.plan.url,
      address,
      namespace,
      retentionDays,
      version: TEMPORAL_SERVER_VERSION,
      binaries,
      processes,
      startupMs: { schema: schemaMs, services: Math.round(now - tServices), total: Math.round(now - t0) },
      members: () => liveMembers(sql),
      stop,
    };
  } catch (err) {
    const exitedEarly = processes.filter((p) => p.exited()).map((p) => `${p.plan.name}:\n${p.logTail(1500)}`);
    await stop();
    if (exitedEarly.length > 0) (err as Error).message += `\nprocesses that exited:\n${exitedEarly.join('\n')}`;
    throw err;
  }
}
