import { tsToMs } from '@temporalio/common/lib/time.js';
import { jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workOrderWorkflowId } from '../../contracts/ids.js';
import { STREAMS } from '../../contracts/streams.js';
import { startClusterStack, type ClusterStack } from '../../stack/index.js';
import { findClusterBinaries } from '../../stack/temporal-cluster/binaries.js';
import type { ServiceProcess } from '../../stack/temporal-cluster/processes.js';
import { sqlEndpointOf, TEMPORAL_DATABASES } from '../../stack/temporal-cluster/schema.js';
import { allSearchAttributes } from '../../workflows/search-attributes.js';
import type { workOrderWorkflow } from '../../workflows/work-order.js';
import { startTestEngineOn, type TestEngine } from '../helpers/engine.js';
import { counts, ledgerFor, publishRelease, release, releasesSettled, sendInBatches, SITE } from '../helpers/orders.js';
import { resultOf } from '../helpers/workflow-result.js';

const missing = await findClusterBinaries().then(() => undefined, (err: Error) => err.message);
if (missing) console.warn(`skipping the Temporal cluster test: ${missing}`);
const uiMissing = await findClusterBinaries().then((b) => !b.uiServer, () => true);
if (!missing && uiMissing) console.warn('skipping the Web UI test: ui-server not built (npx tsx stack/install-temporal-cluster.ts)');
const ORDERS = ['1500001', '1500002', '1500003', '1500004'];

let engine: TestEngine<ClusterStack>;
let startedInMs = 0;

/**
 * The history process that owns the shard of `workflowId`, read from Temporal's own tables: the execution row names
 * its shard, and the shard's record carries its owner's address.
 */
async function historyOwning(workflowId: string): Promise<ServiceProcess> {
  const client = new pg.Client({ ...sqlEndpointOf(engine.stack.postgres.url), database: TEMPORAL_DATABASES.default });
  await client.connect();
  try {
    const shard = await client.query<{ shard_id: number; data: Buffer }>(
      'select s.shard_id, s.data from shards s where s.shard_id = (select shard_id from executions where workflow_id = $1 limit 1)',
      [workflowId],
    );
    const data = shard.rows[0]?.data.toString('latin1') ?? '';
    // The owner is written as `<host>:<grpc port>-<shard>-<uuid>` (seen in 1.32.2).
    const owners = engine.stack.temporal.processes.filter((p) => p.plan.kind === 'history' && data.includes(`127.0.0.1:${p.plan.grpcPort}-`));
    if (owners.length !== 1) throw new Error(`${owners.length} history processes named as owner of the shard of ${workflowId} (shard ${shard.rows[0]?.shard_id})`);
    return owners[0]!;
  } finally {
    await client.end();
  }
}

describe.skipIf(missing !== undefined)('Temporal on PostgreSQL, run as a cluster of its services', () => {
  beforeAll(async () => {
    const t0 = performance.now();
    // Faulty ERP as in the integration suite: lost replies are what could turn a history failover into a double post.
    engine = await startTestEngineOn((dataDir) => startClusterStack({ dataDir }), { faults: { errorRate: 0.2, replyLossRate: 0.1, seed: 15 } });
    startedInMs = Math.round(performance.now() - t0);
    const { startupMs } = engine.stack.temporal;
    console.info(
      `cluster profile up in ${startedInMs} ms with the engine; Temporal ${startupMs.total} ms (schema ${startupMs.schema} ms, services to a served namespace ${startupMs.services} ms)`,
    );
  });
  afterAll(async () => {
    await engine?.stop();
    const left = engine?.stack.temporal.processes.filter((p) => !p.exited()).map((p) => p.plan.name) ?? [];
    const natsLeft = engine?.stack.nats.nodes.filter((n) => !n.exited()).map((n) => `nats ${n.plan.name}`) ?? [];
    expect([...left, ...natsLeft]).toEqual([]);
  });

  it('runs frontend, matching, worker and two history services as separate processes, with the namespace set up', async () => {
    const { temporal } = engine.stack;
    const kinds = (await temporal.members()).map((m) => m.kind).sort();
    expect(kinds).toEqual(['frontend', 'history', 'history', 'matching', 'worker']);
    expect(new Set(temporal.processes.map((p) => p.pid)).size).toBe(5);
    expect(temporal.processes.every((p) => !p.exited())).toBe(true);
    const svc = engine.services.client.connection;
    const ns = await svc.workflowService.describeNamespace({ namespace: temporal.namespace });
    expect(tsToMs(ns.config?.workflowExecutionRetentionTtl)).toBe(temporal.retentionDays * 86_400_000);
    const listed = await svc.operatorService.listSearchAttributes({ namespace: temporal.namespace });
    expect(Object.keys(listed.customAttributes ?? {})).toEqual(expect.arrayContaining(allSearchAttributes.map((a) => a.name)));
  });

  it('runs NATS as three JetStream nodes, and the engine provisioned every stream with three replicas', async () => {
    const { nats } = engine.stack;
    expect(nats.nodes.filter((n) => !n.exited())).toHaveLength(3);
    // The engine's connection was given every node's URL.
    expect(nats.url.split(',')).toEqual(nats.urls);
    const jsm = await jetstreamManager(engine.services.nc);
    for (const def of STREAMS) expect((await jsm.streams.info(def.name)).config.num_replicas).toBe(3);
  });

  it('confirms every order exactly once into the ERP when the history process holding one is killed mid-way', async () => {
    const orders = ORDERS;
    for (const id of orders) await publishRelease(engine, release(id, '100'), `release-${id}`);
    await releasesSettled(engine);
    const handles = orders.map((id) => engine.services.client.workflow.getHandle<typeof workOrderWorkflow>(workOrderWorkflowId(SITE, id)));
    const rest = (i: number) => sendInBatches(handles[i]!, counts(`${orders[i]}-b`, 25, 2, 0), 5);
    await Promise.all(handles.map((h, i) => sendInBatches(h, counts(orders[i]!, 25, 2, 0), 5))); // 50 of 100
    const victim = await historyOwning(handles[0]!.workflowId);
    // The first two orders complete and start posting to the ERP; the kill lands while those postings run.
    await Promise.all([rest(0), rest(1)]);
    await victim.kill();
    const tKill = performance.now();
    // The other two get their counts while the dead process's shards move to the survivor (the client retries what
    // is unavailable meanwhile).
    await Promise.all([rest(2), rest(3)]);
    const results = await Promise.all(handles.map((h) => resultOf(h, 'its confirmation after the history kill', 300_000)));
    console.info(`${orders.length} orders confirmed ${Math.round(performance.now() - tKill)} ms after SIGKILL of ${victim.plan.name} (pid ${victim.pid})`);
    for (const [i, done] of results.entries()) {
      expect(done).toMatchObject({ phase: 'confirmed', good: 100 });
      const ledger = await ledgerFor(engine, orders[i]!);
      expect(ledger.map((p) => p.movementType ?? p.kind)).toEqual(['261', 'confirmation']);
      expect(ledger[1]).toMatchObject({ yieldQty: '100', isFinal: true, document: done.confirmationDocument });
    }
    expect(victim.exited()).toBe(true);
    const survivor = engine.stack.temporal.processes.find((p) => p.plan.kind === 'history' && p !== victim)!;
    expect(survivor.exited()).toBe(false);
    expect((await historyOwning(handles[0]!.workflowId)).plan.name).toBe(survivor.plan.name);
  });

  it.skipIf(uiMissing)("serves Temporal's Web UI pointing at the frontend, whose HTTP API lists the orders' workflows", async () => {
    const { uiUrl, namespace } = engine.stack.temporal;
    const page = await fetch(`${uiUrl}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);
    const query = encodeURIComponent(`WorkflowType = 'workOrderWorkflow'`);
    const res = await fetch(`${uiUrl}/api/v1/namespaces/${namespace}/workflows?query=${query}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { executions?: Array<{ execution?: { workflowId?: string }; status?: string }> };
    const listed = (body.executions ?? []).map((e) => e.execution?.workflowId);
    expect(listed.sort()).toEqual(ORDERS.map((id) => workOrderWorkflowId(SITE, id)).sort());
    expect(new Set(body.executions?.map((e) => e.status))).toEqual(new Set(['WORKFLOW_EXECUTION_STATUS_COMPLETED']));
  });
});
