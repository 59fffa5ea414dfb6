import path from 'node:path';
import { freePort } from './free-port.js';
import { startNats, type NatsServer } from './nats.js';
import { startNatsCluster, type NatsCluster } from './nats-cluster/index.js';
import { startPostgres, type PostgresServer } from './postgres.js';
import { startTemporal, type TemporalServer } from './temporal.js';
import { startTemporalCluster, type TemporalCluster, type TemporalClusterOptions } from './temporal-cluster/index.js';

/** The running servers; `T` is the dev server and `N` one nats-server by default, the clusters in `ClusterStack`. */
export interface Stack<T extends { stop(): Promise<void> } = TemporalServer, N extends NatsServer = NatsServer> {
  temporal: T;
  nats: N;
  postgres: PostgresServer;
  /** Milliseconds each server took to become ready. */
  startupMs: { temporal: number; nats: number; postgres: number; total: number };
  stop(): Promise<void>;
}

/** How long one server may take to start before the stack gives up and says which (first starts initdb, wheels). */
const START_TIMEOUT_MS = 120_000;

/**
 * Starts one server, timed; after START_TIMEOUT_MS fails naming `what`, and a server that comes up after that is
 * stopped at once, so a slow start never leaves a process running.
 */
async function timed<T extends { stop(): Promise<void> }>(what: string, fn: () => Promise<T>, timeoutMs = START_TIMEOUT_MS): Promise<[T, number]> {
  const t0 = performance.now();
  const starting = fn();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void starting.then((late) => late.stop(), () => undefined);
      reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what} to start`));
    }, timeoutMs);
  });
  try {
    const v = await Promise.race([starting, timeout]);
    return [v, Math.round(performance.now() - t0)];
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Finds or installs, then starts, the three servers on free loopback ports with their data under `dataDir`.
 * Servers start in parallel; if one fails the others are stopped and the error names the missing piece.
 */
/** Preferred ports: taken when free, else any free port (the stack reports which). */
export interface StackPorts {
  temporal?: number;
  temporalUi?: number;
  nats?: number;
  postgres?: number;
}

/** The servers' usual ports, taken by `npm start` when free so bookmarks keep working; tests use any free port. */
export const WELL_KNOWN_PORTS: Required<StackPorts> = { temporal: 7233, temporalUi: 8233, nats: 4222, postgres: 5433 };

/** `databaseUrl`: the user's own PostgreSQL (`DATABASE_URL`) instead of the embedded one. */
export async function startStack(opts: { dataDir: string; ports?: StackPorts; databaseUrl?: string }): Promise<Stack> {
  const p = opts.ports ?? {};
  const t0 = performance.now();
  const results = await Promise.allSettled([
    timed('the Temporal dev server', async () => startTemporal({ dataDir: path.join(opts.dataDir, 'temporal'), port: await freePort(p.temporal), uiPort: await freePort(p.temporalUi) })),
    timed('nats-server', async () => startNats({ dataDir: path.join(opts.dataDir, 'nats'), port: await freePort(p.nats) })),
    timed('PostgreSQL', async () => startPostgres({ dataDir: path.join(opts.dataDir, 'postgres'), port: await freePort(p.postgres), databaseUrl: opts.databaseUrl })),
  ]);
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failures.length > 0) {
    await Promise.allSettled(
      results.map((r) => (r.status === 'fulfilled' ? (r.value[0] as { stop(): Promise<void> }).stop() : undefined)),
    );
    throw new Error(`the embedded stack did not start:\n${failures.map((f) => `  - ${(f.reason as Error).message}`).join('\n')}`);
  }
  const [[temporal, tMs], [nats, nMs], [postgres, pMs]] = results.map(
    (r) => (r as PromiseFulfilledResult<[unknown, number]>).value,
  ) as [[TemporalServer, number], [NatsServer, number], [PostgresServer, number]];
  const total = Math.round(performance.now() - t0);
  const stack: Stack = {
    temporal,
    nats,
    postgres,
    startupMs: { temporal: tMs, nats: nMs, postgres: pMs, total },
    // Reads the fields at stop time: a test may have replaced a server with a restarted one.
    stop: async () => {
      await Promise.allSettled([stack.temporal.stop(), stack.nats.stop(), stack.postgres.stop()]);
    },
  };
  return stack;
}

/** The cluster profile's servers; `startupMs.temporal` includes the schema set-up, `startupMs.nats` the meta leader's election. */
export type ClusterStack = Stack<TemporalCluster, NatsCluster>;

/** Schema set-up and five server processes on a busy 2-core machine take longer than the dev server. */
const CLUSTER_START_TIMEOUT_MS = 300_000;

/**
 * The cluster profile of the stack: PostgreSQL as in `startStack`, NATS as a three-node JetStream cluster
 * (stack/nats-cluster/; the engine's streams keep 3 replicas, `stack.nats.replicas`), and Temporal as separate
 * service processes on that PostgreSQL (stack/temporal-cluster/) instead of the dev server. Temporal starts once
 * PostgreSQL is up; on any failure everything started is stopped before the error is thrown.
 * @throws MissingServerBinary when the Temporal server is not built (`npx tsx stack/install-temporal-cluster.ts`).
 */
export async function startClusterStack(opts: {
  dataDir: string;
  ports?: StackPorts;
  databaseUrl?: string;
  temporal?: Omit<TemporalClusterOptions, 'dataDir' | 'databaseUrl' | 'frontendPort' | 'uiPort'>;
  /** `server_tags` of every NATS node (MES_NATS_PLACEMENT_TAGS places streams by them). */
  natsTags?: readonly string[];
}): Promise<ClusterStack> {
  const p = opts.ports ?? {};
  const t0 = performance.now();
  // Its own directory: a single server's store in `nats/` is not a cluster node's and must not be taken for one.
  const natsStarting = timed('the NATS cluster', () => startNatsCluster({ dataDir: path.join(opts.dataDir, 'nats-cluster'), ports: [p.nats], tags: opts.natsTags }));
  const started: { stop(): Promise<void> }[] = [];
  try {
    const [postgres, pMs] = await timed('PostgreSQL', async () => startPostgres({ dataDir: path.join(opts.dataDir, 'postgres'), port: await freePort(p.postgres), databaseUrl: opts.databaseUrl }));
    started.push(postgres);
    const [temporal, tMs] = await timed(
      'the Temporal cluster',
      () => startTemporalCluster({ ...opts.temporal, frontendPort: p.temporal, uiPort: p.temporalUi, dataDir: path.join(opts.dataDir, 'temporal-cluster'), databaseUrl: postgres.url }),
      CLUSTER_START_TIMEOUT_MS,
    );
    started.push(temporal);
    const [nats, nMs] = await natsStarting;
    started.push(nats);
    const stack: ClusterStack = {
      temporal,
      nats,
      postgres,
      startupMs: { temporal: tMs, nats: nMs, postgres: pMs, total: Math.round(performance.now() - t0) },
      // Temporal before PostgreSQL: its processes would otherwise log persistence errors while stopping.
      stop: async () => {
        await Promise.allSettled([stack.temporal.stop(), stack.nats.stop()]);
        await stack.postgres.stop();
      },
    };
    return stack;
  } catch (err) {
    await natsStarting.then(([nats]) => nats.stop(), () => undefined);
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    throw err;
  }
}
