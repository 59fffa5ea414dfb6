import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findServerBinary, NATS_SERVER, type ServerBinary } from './binaries.js';
import { exactPort, freePort } from './free-port.js';

export interface NatsServer {
  /** The client URL; a cluster's every node's, comma-separated (what NATS_URL takes). */
  url: string;
  user: string;
  password: string;
  monitorUrl: string;
  binary: ServerBinary;
  /** Copies the engine's streams keep on this server set: 1 on one server, one per node on a cluster. */
  replicas: number;
  stop(): Promise<void>;
}

/** Credentials are made once per data dir and kept there (never in the repo, never logged). */
export async function natsCredentials(dataDir: string): Promise<{ user: string; password: string }> {
  const file = path.join(dataDir, 'nats-credentials.json');
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as { user: string; password: string };
  const creds = { user: 'mes', password: randomBytes(18).toString('base64url') };
  await writeFile(file, JSON.stringify(creds), { mode: 0o600 });
  return creds;
}

/** One nats-server process started from a config file. */
export interface NatsProcess {
  pid: number;
  exited(): boolean;
  /** The last 4,000 characters of its stderr (its log), for error messages. */
  stderr(): string;
  /** SIGTERM, SIGKILL after 5 s; resolves once it is gone. */
  stop(): Promise<void>;
  /** SIGKILL at once, as a crash would; resolves once it is gone. */
  kill(): Promise<void>;
}

/**
 * Starts `nats-server -c <conf>`. If this process dies without stopping it, the server must not outlive it holding
 * its ports and store: it is sent SIGTERM on exit.
 */
export function spawnNats(binary: string, conf: string): NatsProcess {
  const child = spawn(binary, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
  });
  child.once('error', (e) => {
    err += `\nspawn ${binary} failed: ${e.message}`;
  });
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const gone = () => (exited() ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r())));
  child.once('exit', () => process.removeListener('exit', killOnExit));
  return {
    pid: child.pid ?? -1,
    exited,
    stderr: () => err,
    stop: async () => {
      if (exited()) return;
      child.kill('SIGTERM');
      await Promise.race([gone(), sleep(5_000).then(() => child.kill('SIGKILL'))]);
      await gone();
    },
    kill: async () => {
      if (!exited()) child.kill('SIGKILL');
      await gone();
    },
  };
}

/**
 * Waits until the server's monitoring endpoint answers `/healthz?<check>` with 200 (nats-server's health check:
 * `js-enabled-only=true` for "JetStream is on", no query for "JetStream is current", which a cluster node only is
 * once a meta leader exists).
 * @throws Error with the server's log when it exits first or `timeoutMs` passes.
 */
export async function waitHealthy(monitorUrl: string, p: NatsProcess, check = 'js-enabled-only=true', timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (p.exited()) throw new Error(`nats-server exited: ${p.stderr()}`);
    const ok = await fetch(`${monitorUrl}/healthz${check ? `?${check}` : ''}`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`nats-server at ${monitorUrl} not healthy (${check || 'full check'}) after ${timeoutMs / 1000} s: ${p.stderr()}`);
}

/** The lines every server of the project has: client and monitoring ports on loopback, file store, user/password. */
export function natsBaseConfig(o: { port: number; monitorPort: number; storeDir: string; user: string; password: string }): string[] {
  return [
    `listen: "127.0.0.1:${o.port}"`,
    `http: "127.0.0.1:${o.monitorPort}"`,
    `jetstream { store_dir: ${JSON.stringify(o.storeDir)} }`,
    `authorization { user: ${JSON.stringify(o.user)}, password: ${JSON.stringify(o.password)} }`,
  ];
}

/** Starts nats-server with JetStream on a file store in the data dir, user/password auth, loopback only. */
export async function startNats(opts: { dataDir: string; port?: number }): Promise<NatsServer> {
  await mkdir(opts.dataDir, { recursive: true });
  const binary = await findServerBinary(NATS_SERVER);
  const port = opts.port ? await exactPort(opts.port) : await freePort();
  const monitorPort = await freePort();
  const { user, password } = await natsCredentials(opts.dataDir);
  const conf = path.join(opts.dataDir, 'nats-server.conf');
  await writeFile(conf, natsBaseConfig({ port, monitorPort, storeDir: path.join(opts.dataDir, 'jetstream'), user, password }).join('\n'), { mode: 0o600 });
  const server = spawnNats(binary.path, conf);
  const monitorUrl = `http://127.0.0.1:${monitorPort}`;
  try {
    await waitHealthy(monitorUrl, server);
  } catch (e) {
    await server.kill();
    throw e;
  }
  return { url: `nats://127.0.0.1:${port}`, user, password, monitorUrl, binary, replicas: 1, stop: server.stop };
}
