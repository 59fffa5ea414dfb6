import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { msToTs } from '@temporalio/common/lib/time.js';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { allSearchAttributes } from '../workflows/search-attributes.js';
import { findServerBinary, MissingServerBinary, TEMPORAL_CLI, type ServerBinary } from './binaries.js';
import { exactPort, freePort } from './free-port.js';

/**
 * How long Temporal keeps a closed run (its history, queries, the Web UI's view) before it forgets it: 30 days, so a
 * month's closed orders stay inspectable through the month-end close. Set explicitly on the namespace (the dev
 * server's default is 1 day). The MES never relies on it: a closed order's re-release is refused from PostgreSQL
 * (services/release-check.ts), whatever Temporal still retains (docs/erp-orchestration.md, "Closed orders").
 */
export const NAMESPACE_RETENTION_DAYS = 30;

/** How long the dev server must stay up after its frontend answered, and how many starts are tried. */
const SETTLE_MS = 1_000;
const START_ATTEMPTS = 3;

export interface TemporalServer {
  address: string;
  uiUrl: string;
  namespace: string;
  /** The namespace's retention of closed runs, as set at start. */
  retentionDays: number;
  binary: ServerBinary;
  env: TestWorkflowEnvironment;
  stop(): Promise<void>;
}

export interface TemporalOptions {
  dataDir: string;
  port?: number;
  uiPort?: number;
  /** Run SQLite with its own defaults instead of WAL + synchronous=NORMAL (the bench's baseline). */
  sqliteDefaults?: boolean;
  /** Retention of closed runs in days; NAMESPACE_RETENTION_DAYS when absent. */
  retentionDays?: number;
}

/**
 * Starts `temporal server start-dev` through @temporalio/testing, handing it the binary as an existing path: the
 * SDK's own download cannot reach the internet on plant networks. SQLite lives in the data dir, so a restart on the
 * same dir keeps every workflow.
 */
export async function startTemporal(opts: TemporalOptions): Promise<TemporalServer> {
  for (let attempt = 1; ; attempt++) {
    let server: TemporalServer;
    try {
      server = await startTemporalOnce(opts);
    } catch (err) {
      // On a loaded machine the SDK's readiness wait (5 s, not configurable) can run out before the server answers
      // (seen in CI with two test files starting servers beside a busy core); a fresh start on fresh ports follows.
      if (!/did not start within/.test((err as Error).message) || attempt >= START_ATTEMPTS) throw err;
      continue;
    }
    // The dev server picks its history, matching and worker ports itself after we picked the frontend's: when another
    // process takes one meanwhile (parallel test files, a plant's other services), the service's listener is nil
    // and the whole server panics a moment after its frontend answered (temporalio/cli#543 is the same panic on a
    // taken port; seen in CI here: `grpc.(*Server).Serve(..., {0x0, 0x0})` in service/worker). So it must still
    // answer after a settle time, or it is started again on fresh ports.
    await sleep(SETTLE_MS);
    try {
      await server.env.connection.workflowService.getSystemInfo({});
      return server;
    } catch (err) {
      await server.stop().catch(() => undefined);
      if (attempt >= START_ATTEMPTS) throw new Error(`Temporal dev server died right after start, ${attempt} times: ${(err as Error).message}`);
    }
  }
}

async function startTemporalOnce(opts: TemporalOptions): Promise<TemporalServer> {
  await mkdir(opts.dataDir, { recursive: true });
  const port = opts.port ? await exactPort(opts.port) : await freePort();
  const uiPort = opts.uiPort ? await exactPort(opts.uiPort) : await freePort();
  const namespace = 'default';
  let binary: ServerBinary;
  let executable: { type: 'existing-path'; path: string } | { type: 'cached-download'; downloadDir: string };
  try {
    binary = await findServerBinary(TEMPORAL_CLI);
    executable = { type: 'existing-path', path: binary.path };
  } catch (err) {
    if (!(err instanceof MissingServerBinary)) throw err;
    // Last resort where the internet is reachable: the SDK downloads the CLI itself.
    binary = { name: 'temporal', path: '(downloaded by @temporalio/testing)', source: `download (${err.message})` };
    executable = { type: 'cached-download', downloadDir: path.join(opts.dataDir, '..', 'temporal-download') };
  }
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable,
      ip: '127.0.0.1',
      port,
      ui: true,
      uiPort,
      namespace,
      dbFilename: path.join(opts.dataDir, 'temporal.sqlite'),
      searchAttributes: allSearchAttributes,
      log: { format: 'json', level: 'error' },
      extraArgs: [
        '--dynamic-config-value', 'frontend.enableExecuteMultiOperation=true',
        // WAL keeps readers off the writer's lock; synchronous=NORMAL is still durable across a process crash.
        // `npm run bench -- temporal` measures it against SQLite's defaults (rollback journal, synchronous=FULL).
        ...(opts.sqliteDefaults ? [] : ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal']),
        // The dev server otherwise fetches a news feed from the internet for its Web UI.
        '--ui-disable-news-fetch',
      ],
    },
  }).catch((err: Error) => {
    throw new MissingServerBinary(`Temporal dev server (${binary.path}) did not start: ${err.message}`);
  });
  const retentionDays = opts.retentionDays ?? NAMESPACE_RETENTION_DAYS;
  try {
    // Every start sets it, so a data dir made by an older version (1-day default) gets it too.
    await env.connection.workflowService.updateNamespace({ namespace, config: { workflowExecutionRetentionTtl: msToTs(`${retentionDays} days`) } });
  } catch (err) {
    await env.teardown();
    throw new Error(`Temporal dev server: could not set the retention of namespace ${namespace}: ${(err as Error).message}`);
  }
  return {
    address: `127.0.0.1:${port}`,
    uiUrl: `http://127.0.0.1:${uiPort}`,
    namespace,
    retentionDays,
    binary,
    env,
    stop: () => env.teardown(),
  };
}
