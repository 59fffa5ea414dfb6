import { Client, Connection } from '@temporalio/client';
import { createDb } from '../db/client.js';
import { createErpAdapter } from '../erp/index.js';
import { erpAdapterConfig, readEnv } from './wiring/config.js';
import type { Reconciliation } from '../erp/reconcile.js';
import { fixOrder, reconcileOrder } from './wiring/reconcile.js';

/**
 * `npm run reconcile -- <site> <erpOrderId> [--fix]`: compares one order's shop-floor truth with what the ERP holds and
 * prints each difference with its cause and fix; `--fix` applies the fixes the engine can make and reconciles again.
 * Exit code 0: the books agree (after the fix); 1: differences; 2: usage or failure.
 */
const args = process.argv.slice(2);
const fix = args.includes('--fix');
const [site, erpOrderId] = args.filter((a) => a !== '--fix');
if (!site || !erpOrderId) {
  process.stderr.write('usage: npm run reconcile -- <site> <erpOrderId> [--fix]\n');
  process.exit(2);
}
const report = (r: Reconciliation & { phase: string }) => {
  const lines = [`order ${r.erpOrderId} (${r.phase}): ${r.documents} ERP documents, ${r.differences.length} differences`];
  for (const d of r.differences) lines.push(`- ${d.what}: shop floor ${d.shopFloor}, ERP ${d.erp}\n  cause: ${d.cause}\n  fix:   ${d.fix}${d.action ? '' : ' (by a person)'}`);
  process.stderr.write(`${lines.join('\n')}\n`);
};
const env = readEnv();
const db = createDb(env.DATABASE_URL, 2);
const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
try {
  const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
  const deps = { client, db, erp: createErpAdapter(erpAdapterConfig(env)) };
  if (fix) {
    const f = await fixOrder(deps, site, erpOrderId, process.env.USER ?? 'reconcile-cli');
    report(f.before);
    for (const a of f.applied) process.stderr.write(`applied: ${JSON.stringify(a.action)} -> ERP document ${a.document}\n`);
    report(f.after);
    process.stdout.write(`${JSON.stringify(f)}\n`);
    process.exitCode = f.after.differences.length === 0 ? 0 : 1;
  } else {
    const r = await reconcileOrder(deps, site, erpOrderId);
    report(r);
    process.stdout.write(`${JSON.stringify(r)}\n`);
    process.exitCode = r.differences.length === 0 ? 0 : 1;
  }
} catch (err) {
  process.stderr.write(`reconcile: ${(err as Error).message}\n`);
  process.exitCode = 2;
} finally {
  await connection.close();
  await db.$client.end();
}
