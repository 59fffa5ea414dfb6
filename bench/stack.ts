import { rm } from 'node:fs/promises';
import { startStack } from '../stack/index.js';
import { benchDir, note } from './_util.js';

/**
 * Start-up time of each server and of the whole stack: a cold start on an empty data dir (PostgreSQL runs initdb,
 * Temporal creates its SQLite schema) and warm restarts on the same dir, as after a reboot.
 */
export async function run(): Promise<Record<string, number>> {
  const dir = await benchDir('stack');
  const cold = await startStack({ dataDir: dir });
  await cold.stop();
  note(`cold: ${JSON.stringify(cold.startupMs)}`);
  const warm: Array<typeof cold.startupMs> = [];
  for (let i = 0; i < 3; i++) {
    const s = await startStack({ dataDir: dir });
    await s.stop();
    warm.push(s.startupMs);
    note(`warm ${i + 1}: ${JSON.stringify(s.startupMs)}`);
  }
  await rm(dir, { recursive: true, force: true });
  const median = (k: keyof typeof cold.startupMs) => warm.map((w) => w[k]).sort((a, b) => a - b)[1]!;
  return {
    coldTemporalMs: cold.startupMs.temporal,
    coldNatsMs: cold.startupMs.nats,
    coldPostgresMs: cold.startupMs.postgres,
    coldTotalMs: cold.startupMs.total,
    warmTemporalMs: median('temporal'),
    warmNatsMs: median('nats'),
    warmPostgresMs: median('postgres'),
    warmTotalMs: median('total'),
    warmVsColdRatio: Number((median('total') / cold.startupMs.total).toFixed(3)),
  };
}
