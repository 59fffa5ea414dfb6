import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { ReconciliationScope } from '../contracts/messages/reconciliation.js';
import { parseOrThrow } from '../contracts/parse.js';
import { createDb } from '../db/client.js';
import { createErpAdapter } from '../erp/index.js';
import type { Reconciliation } from '../contracts/messages/reconciliation.js';
import { erpAdapterConfig, readEnv } from './wiring/config.js';
import { connectionOptions, temporalTargetFromEnv } from './wiring/temporal-connection.js';
import { fixOrder, reconcileOrder, reconcileScope } from '../services/reconciliation/reconcile.js';

const USAGE = `usage: npm run reconcile -- <site> <erpOrderId> [--fix]
       npm run reconcile -- <site> [--line <line>] [--from <ISO time>] [--to <ISO time>]\n`;

/**
 * Compares shop-floor truth with what the ERP holds and prints each difference with its cause and fix: one order
 * (`--fix` applies the fixes the engine can make and reconciles again), or every order of a line or a period.
 * Exit code 0: the books agree (after the fix); 1: differences; 2: usage or failure.
 */
let parsed;
try {
  parsed = parseArgs({ allowPositionals: true, options: { fix: { type: 'boolean' }, line: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } } });
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
const [site, erpOrderId] = parsed.positionals;
if (!site || (parsed.values.fix && !erpOrderId)) {
  process.stderr.write(USAGE);
  process.exit(2);
}
const report = (r: Reconciliation) => {
  const lines = [`order ${r.erpOrderId} (${r.phase}): ${r.documents} ERP documents, ${r.differences.length} differences`];
  for (const d of r.differences) lines.push(`- ${d.what}: shop floor ${d.shopFloor}, ERP ${d.erp}\n  cause: ${d.cause}\n  fix:   ${d.fix}${d.action ? '' : ' (by a person)'}`);
  process.stderr.write(`${lines.join('\n')}\n`);
};
const env = readEnv(process.env);
const db = createDb(env.DATABASE_URL, 2);
const temporal = temporalTargetFromEnv(process.env, env);
const connection = await Connection.connect(connectionOptions(temporal));
try {
  const client = new Client({ connection, namespace: temporal.namespace });
  const deps = { client, db, erp: createErpAdapter(erpAdapterConfig(env)) };
  if (!erpOrderId) {
    const { line, from, to } = parsed.values;
    const scope = parseOrThrow(ReconciliationScope, { site, line, from, to }, 'reconcile arguments');
    const r = await reconcileScope(deps, scope);
    r.withDifferences.forEach(report);
    for (const f of r.failed) process.stderr.write(`order ${f.erpOrderId}: not reconciled (${f.error})\n`);
    process.stderr.write(`${r.orders} orders: ${r.agreeing.length} agree, ${r.withDifferences.length} with differences, ${r.failed.length} failed\n`);
    process.stdout.write(`${JSON.stringify(r)}\n`);
    process.exitCode = r.withDifferences.length === 0 && r.failed.length === 0 ? 0 : 1;
  } else if (parsed.values.fix) {
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
