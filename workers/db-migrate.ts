import path from 'node:path';
import { createDb } from '../db/client.js';
import { migrateMes } from '../db/migrate.js';
import { seedPlant } from '../db/seed.js';
import { loadPlantModel } from '../seed/plant-file.js';
import { projectRoot } from '../stack/paths.js';
import { readDemoEnv, readEnv } from './wiring/config.js';

/** `npm run db:migrate [plant-file]`: applies migrations and seeds master data from a plant model file. */
const env = readEnv(process.env);
const plantFile = process.argv[2] ?? readDemoEnv(process.env).MES_PLANT_FILE ?? path.join(projectRoot, 'seed', 'demo-plant.yaml');
const db = createDb(env.DATABASE_URL);
try {
  const plant = await loadPlantModel(plantFile);
  await migrateMes(db);
  await seedPlant(db, plant);
  process.stdout.write(`migrated and seeded from ${plantFile}\n`);
} catch (err) {
  process.stderr.write(`db:migrate failed: ${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await db.$client.end();
}
