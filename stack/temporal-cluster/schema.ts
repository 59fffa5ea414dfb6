import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { moduleSchemaDir } from './binaries.js';

const run = promisify(execFile);

/** Where Temporal's two databases live: a PostgreSQL server and a role allowed to create databases. */
export interface SqlEndpoint {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** The two databases of Temporal's SQL persistence: the core store and visibility (list and search of runs). */
export const TEMPORAL_DATABASES = { default: 'temporal', visibility: 'temporal_visibility' } as const;

/**
 * Host, port and credentials of a `postgres://` URL (the database in the path is not used).
 * @throws TypeError when `url` is not a URL.
 */
export function sqlEndpointOf(url: string): SqlEndpoint {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
}

/** What a database already holds: nothing (absent), an empty database, or a versioned schema. */
async function schemaState(pgServer: SqlEndpoint, name: string): Promise<'absent' | 'empty' | 'versioned'> {
  const query = async (database: string, sql: string, params: string[]) => {
    const client = new pg.Client({ ...pgServer, database });
    await client.connect();
    try {
      return (await client.query(sql, params)).rowCount ?? 0;
    } finally {
      await client.end();
    }
  };
  if ((await query('postgres', 'select 1 from pg_database where datname = $1', [name])) === 0) return 'absent';
  // A start that died between `create` and `setup-schema` leaves the database without the version table.
  return (await query(name, "select 1 from information_schema.tables where table_name = 'schema_version'", [])) > 0 ? 'versioned' : 'empty';
}

/**
 * Makes both databases current with temporal-sql-tool: `create` and `setup-schema -v 0.0` where missing, then
 * `update-schema` every time (a no-op when current, a migration after a server upgrade). The versioned scripts come
 * from the Go module cache when it holds the module, else from the copy embedded in the tool.
 * @returns the milliseconds the schema work took.
 * @throws Error with the tool's output when a step fails.
 */
export async function setUpTemporalSchema(sqlTool: string, server: SqlEndpoint): Promise<number> {
  const t0 = performance.now();
  const schemaDir = await moduleSchemaDir();
  // The password goes in the environment, not argv, where `ps` would show it.
  const env = { ...process.env, SQL_PASSWORD: server.password };
  const tool = async (db: string, args: string[]) => {
    const all = ['--plugin', 'postgres12', '--ep', server.host, '-p', String(server.port), '-u', server.user, '--db', db, ...args];
    await run(sqlTool, all, { env, maxBuffer: 8 * 1024 * 1024 }).catch((err: Error & { stderr?: string; stdout?: string }) => {
      throw new Error(`temporal-sql-tool ${args[0]} on ${db} failed: ${err.stderr || err.stdout || err.message}`);
    });
  };
  for (const [kind, db] of [['temporal', TEMPORAL_DATABASES.default], ['visibility', TEMPORAL_DATABASES.visibility]] as const) {
    const state = await schemaState(server, db);
    if (state === 'absent') await tool(db, ['create']);
    if (state !== 'versioned') await tool(db, ['setup-schema', '-v', '0.0']);
    const source = schemaDir ? ['-d', path.join(schemaDir, kind, 'versioned')] : ['--schema-name', `postgresql/v12/${kind}`];
    await tool(db, ['update-schema', ...source]);
  }
  return Math.round(performance.now() - t0);
}
