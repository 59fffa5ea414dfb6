import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findServerBinary, NATS_SERVER, type ServerBinary } from './binaries.js';
import { freePort } from './free-port.js';

export interface NatsServer {
  url: string;
  user: string;
  password: string;
  monitorUrl: string;
  binary: ServerBinary;
  stop(): Promise<void>;
}

/** Credentials are made once per data dir and kept there (never in the repo, never logged). */
async function credentials(dataDir: string): Promise<{ user: string; password: string }> {
  const file = path.join(dataDir, 'nats-credentials.json');
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as { user: string; password: string };
  const creds = { user: 'mes', password: randomBytes(18).toString('base64url') };
  await writeFile(file, JSON.stringify(creds), { mode: 0o600 });
  return creds;
}

async function waitHealthy(monitorUrl: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nats-server exited with ${child.exitCode}: ${stderr()}`);
    const ok = await fetch(`${monitorUrl}/healthz?js-enabled-only=true`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`nats-server not healthy after 20 s: ${stderr()}`);
}

/** Starts nats-server with JetStream on a file store in the data dir, user/password auth, loopback only. */
export async function startNats(opts: { dataDir: string; port?: number }): Promise<NatsServer> {
  await mkdir(opts.dataDir, { recursive: true });
  const binary = await findServerBinary(NATS_SERVER);
  const port = await freePort(opts.port);
  const monitorPort = await freePort();
  const { user, password } = await credentials(opts.dataDir);
  const conf = path.join(opts.dataDir, 'nats-server.conf');
  await writeFile(
    conf,
    [
      `listen: "127.0.0.1:${port}"`,
      `http: "127.0.0.1:${monitorPort}"`,
      `jetstream { store_dir: ${JSON.stringify(path.join(opts.dataDir, 'jetstream'))} }`,
      `authorization { user: ${JSON.stringify(user)}, password: ${JSON.stringify(password)} }`,
    ].join('\n'),
    { mode: 0o600 },
  );
  const child = spawn(binary.path, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
  });
  // If this process dies without stopping the stack, the server must not outlive it holding the port and the store.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  const monitorUrl = `http://127.0.0.1:${monitorPort}`;
  try {
    await waitHealthy(monitorUrl, child, () => err);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    user,
    password,
    monitorUrl,
    binary,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5_000).then(() => child.kill('SIGKILL'))]);
    },
  };
}
