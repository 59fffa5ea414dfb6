import path from 'node:path';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { projectRoot } from '../stack/paths.js';

/** Applies the generated migrations of the MES schema (idempotent: drizzle records what it applied). */
export async function migrateMes(db: NodePgDatabase<Record<string, unknown>>): Promise<void> {
  await migrate(db, { migrationsFolder: path.join(projectRoot, 'schema', 'migrations') });
}
