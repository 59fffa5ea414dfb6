import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';

const migrationsFolder = fileURLToPath(new URL('../schema/migrations', import.meta.url));

/** Applies the generated migrations of the MES schema (idempotent: drizzle records what it applied). */
export async function migrateMes(db: NodePgDatabase<Record<string, unknown>>): Promise<void> {
  await migrate(db, { migrationsFolder });
}
