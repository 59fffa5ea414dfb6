import path from 'node:path';
import { freePort } from './free-port.js';
import { startNats, type NatsServer } from './nats.js';
import { startPostgres, type PostgresServer } from './postgres.js';
import { startTemporal, type TemporalServer } from './temporal.js';

export interface Stack {
  temporal: TemporalServer;
  nats: NatsServer;
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
async function timed<T extends { stop(): Promise<void> }>(what: string, fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const starting = fn();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void starting.then((late) => late.stop(), () => undefined);
      reject(new Error(`timed out after ${START_TIMEOUT_MS / 1000} s waiting for ${what} to start`));
    }, START_TIMEOUT_MS);
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
