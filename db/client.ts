import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from '../schema/index.js';

export type Db = NodePgDatabase<typeof schema> & { $client: pg.Pool };

export function createDb(url: string, max = 10): Db {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle client dropped by the server (restart, shutdown) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return drizzle(pool, { schema });
}
