import type { Subscription } from '@nats-io/transport-node';
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlannerApi } from '../../api/app.js';
import { issueToken } from '../../api/auth.js';
import { WorkOrderWip, wipSubject } from '../../contracts/messages/work-order-wip.js';
import { workOrders } from '../../schema/index.js';
import { startWorkOrder } from '../../services/start-work-order.js';
import { statusQuery } from '../../workflows/definitions.js';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { goodCounts, publishEvents } from '../helpers/machine-events.js';

// Live WIP (issue 14 item 5, issue 12 item 5): the read model and `mes.<site>.<line>.wip` follow counts within a
// few seconds, without waiting for a phase change; the planner API reads from there unless asked to be consistent.
let engine: TestEngine;
let api: FastifyInstance;
let token: string;
let sub: Subscription;
const seen: WorkOrderWip[] = [];
const invalid: string[] = [];

beforeAll(async () => {
  engine = await startTestEngine();
  const { db, client, nc } = engine.services;
  api = await buildPlannerApi({ db, client });
  token = await issueToken(db, 'test-viewer', 'viewer');
  // A dashboard: every line of the site, each message checked against the one contract the producer uses.
  sub = nc.subscribe(wipSubject('plant1', '*'));
  void (async () => {
    for await (const m of sub) {
      const r = WorkOrderWip.safeParse(m.json());
      if (r.success) seen.push(r.data);
      else invalid.push(m.string());
    }
  })();
});
afterAll(async () => {
  sub?.unsubscribe();
  await api?.close();
  await engine?.stop();
});

const get = (url: string) => api.inject().get(url).headers({ authorization: `Bearer ${token}` });
const release = (erpOrderId: string) => ({
  v: 1 as const, site: 'plant1', erpOrderId, material: 'BRACKET-A', quantity: '1000', unit: 'PC', line: 'line-1', operation: '0010', releasedAt: new Date().toISOString(),
});
const row = async (workflowId: string) => (await engine.services.db.select().from(workOrders).where(eq(workOrders.workflowId, workflowId)))[0];

describe('live WIP', () => {
  it('shows each count batch in the read model and on NATS within seconds, with no phase change between', async () => {
    const workflowId = 'work-order:plant1:6000001';
    await startWorkOrder(engine.services.client, release('6000001'));
    await eventually(async () => ((await row(workflowId))?.status === 'released' ? true : undefined), 'the released order in the read model');
    const start = Date.now() - 60_000;
    const events = goodCounts({ line: 'line-1', machine: 'press-1', n: 20, startMs: start, prefix: 'wip' });
    // The first batch moves the order to running (a phase change, written at once).
    await publishEvents(engine.services.nc, events.slice(0, 5));
    await eventually(async () => ((await row(workflowId))?.goodQuantity === 5 ? true : undefined), 'the first batch in the read model');
    // Later batches change counts only: each reaches the read model and the wip subject within the throttle.
    for (const [i, total] of [[1, 12], [2, 20]] as const) {
      const sent = Date.now();
      await publishEvents(engine.services.nc, events.slice(i === 1 ? 5 : 12, total));
      const r = await eventually(async () => {
        const x = await row(workflowId);
        return x?.goodQuantity === total ? x : undefined;
      }, `batch ${i} in the read model`, 10_000);
      expect(Date.now() - sent).toBeLessThan(6_000);
      expect(r).toMatchObject({ status: 'running', goodQuantity: total, scrapQuantity: 0 });
      expect(r.statusDoc).toMatchObject({ phase: 'running', good: total });
      expect(r.asOf!.getTime()).toBeGreaterThanOrEqual(sent - 1_000);
      const wip = await eventually(async () => seen.find((w) => w.workflowId === workflowId && w.good === total), `batch ${i} on ${wipSubject('plant1', 'line-1')}`, 5_000);
      expect(wip).toMatchObject({ site: 'plant1', line: 'line-1', erpOrderId: '6000001', phase: 'running', scrap: 0, plannedQuantity: '1000', unit: 'PC' });
    }
    expect(invalid).toEqual([]);
    // What the API answers by default is the read model, with its age.
    const d = (await get('/orders/plant1/6000001')).json();
    expect(d).toMatchObject({ source: 'read-model', status: { phase: 'running', good: 20 }, postings: [] });
    expect(Date.parse(d.asOf)).toBeGreaterThan(start);
    const listed = (await get('/orders?site=plant1&line=line-1')).json().orders.find((o: { erpOrderId: string }) => o.erpOrderId === '6000001');
    expect(listed).toMatchObject({ status: 'running', good: 20, asOf: d.asOf });
  });

  it('asks the workflow itself with ?consistent=true, and when the read model has no status document', async () => {
    const workflowId = 'work-order:plant1:6000002';
    await startWorkOrder(engine.services.client, release('6000002'));
    await eventually(async () => ((await row(workflowId))?.statusDoc ? true : undefined), 'the order in the read model');
    const { db } = engine.services;
    // A read model that says something the workflow never said: only a read from the workflow can disagree with it.
    await db.update(workOrders).set({ statusDoc: sql`jsonb_set(${workOrders.statusDoc}, '{good}', '999')` }).where(eq(workOrders.workflowId, workflowId));
    expect((await get('/orders/plant1/6000002')).json()).toMatchObject({ source: 'read-model', status: { good: 999 } });
    const consistent = await get('/orders/plant1/6000002?consistent=true');
    expect(consistent.json()).toMatchObject({ source: 'workflow', status: { good: 0, phase: 'released' } });
    expect((await engine.services.client.workflow.getHandle(workflowId).query(statusQuery)).good).toBe(0);
    expect(Math.abs(Date.parse(consistent.json().asOf) - Date.now())).toBeLessThan(5_000);
    expect((await get('/orders/plant1/6000002?consistent=maybe')).statusCode).toBe(400);
    // A row written before status documents were kept: the workflow answers.
    await db.update(workOrders).set({ statusDoc: null }).where(eq(workOrders.workflowId, workflowId));
    expect((await get('/orders/plant1/6000002')).json()).toMatchObject({ source: 'workflow', status: { good: 0 } });
    expect((await get('/orders/plant1/6999999?consistent=true')).statusCode).toBe(404);
    expect((await get('/orders/plant1/6999999')).statusCode).toBe(404);
  });
});
