import { Client, Connection } from '@temporalio/client';
import { createDb } from '../db/client.js';
import { createErpAdapter } from '../erp/index.js';
import { erpAdapterConfig, readEnv } from './wiring/config.js';
import { reconcileOrder } from './wiring/reconcile.js';

/**
 * `npm run reconcile -- <site> <erpOrderId>`: compares one order's shop-floor truth with what the ERP holds and prints
 * each difference with its cause and fix. Exit code 0: the books agree; 1: differences; 2: usage or failure.
 */
const [site, erpOrderId] = process.argv.slice(2);
if (!site || !erpOrderId) {
  process.stderr.write('usage: npm run reconcile -- <site> <erpOrderId>\n');
  process.exit(2);
}
const env = readEnv();
const db = createDb(env.DATABASE_URL, 2);
const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
try {
  const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
  const r = await reconcileOrder({ client, db, erp: createErpAdapter(erpAdapterConfig(env)) }, site, erpOrderId);
  const lines = [`order ${erpOrderId} (${r.phase}): ${r.documents} ERP documents, ${r.differences.length} differences`];
  for (const d of r.differences) lines.push(`- ${d.what}: shop floor ${d.shopFloor}, ERP ${d.erp}\n  cause: ${d.cause}\n  fix:   ${d.fix}`);
  process.stderr.write(`${lines.join('\n')}\n`);
  process.stdout.write(`${JSON.stringify(r)}\n`);
  process.exitCode = r.differences.length === 0 ? 0 : 1;
} catch (err) {
  process.stderr.write(`reconcile: ${(err as Error).message}\n`);
  process.exitCode = 2;
} finally {
  await connection.close();
  await db.$client.end();
}
