import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { DefaultLogger, Worker } from '@temporalio/worker';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import pino from 'pino';
import { createActivities } from '../activities/index.js';
import { workOrderWorkflowId } from '../contracts/ids.js';
import { createDb } from '../db/client.js';
import { migrateMes } from '../db/migrate.js';
import { seedPlant } from '../db/seed.js';
import { loadPlantModel } from '../seed/plant-file.js';
import { erpPostings } from '../schema/index.js';
import { projectRoot } from '../stack/paths.js';
import type { FaultPlan } from '../contracts/messages/erp-sim.js';
import { startPostgres } from '../stack/postgres.js';
import { startTemporal } from '../stack/temporal.js';
import { freePort } from '../stack/free-port.js';
import { installTemporalRuntime } from '../workers/wiring/temporal-runtime.js';
import { bundleMesWorkflows } from '../workers/wiring/temporal-worker.js';
import { workflowSpanSinks } from '../workers/wiring/temporal-tracing.js';
import { productionCountsSignal, statusQuery } from '../workflows/definitions.js';
import { workOrderWorkflow } from '../workflows/work-order.js';
import { measurePartials, ObservedErp, timedActivities } from './_erp-partials.js';
import { cpuMeter, findPid } from './_proc.js';
import { benchDir, note } from './_util.js';

const ORDERS = 192;
const IN_FLIGHT = 32;
// Per order: backflush 261, final confirmation, goods receipt 101.
const POSTINGS_PER_ORDER = 3;

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!);
};

/** Runs `count` tasks with at most `concurrency` in flight; returns wall time in ms. */
async function lanes(count: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) await task(next++);
  }));
  return performance.now() - t0;
}

/**
 * The saga's ERP postings per second against a plain HTTP loop sending the same postings to the same simulator with
 * the same number in flight. Each order's three postings run in sequence in both (the saga must: the confirmation
 * follows its backflush), IN_FLIGHT orders at a time. The simulator answers after `latencyMs`, as a real ERP API does
 * (50 ms); the zero-latency run shows the orchestration's own cost. Between the two, at 50 ms, the realistic shape:
 * few orders with many partial confirmations each (bench/_erp-partials.ts), where workflow starts no longer dominate.
 */
export async function run(): Promise<Record<string, number | undefined>> {
  installTemporalRuntime(pino({ level: 'silent' }), 'ERROR');
  const dir = await benchDir('erp');
  const [pgServer, temporal, workflowBundle] = await Promise.all([
    startPostgres({ dataDir: dir }),
    startTemporal({ dataDir: dir }),
    bundleMesWorkflows(new DefaultLogger('ERROR')),
  ]);
  const db = createDb(pgServer.url, 20);
  await migrateMes(db);
  await seedPlant(db, await loadPlantModel(`${projectRoot}/seed/demo-plant.yaml`));
  // The ERP simulator in its own process, as an ERP is another system: in the bench's process it would take CPU
  // from the worker and flatter the direct loop, which then shares a process with its server.
  const simPort = await freePort();
  const simProcess = spawn(process.execPath, ['--import', 'tsx', `${projectRoot}/workers/erp-simulator.ts`], {
    env: { ...process.env, DATABASE_URL: pgServer.url, MES_ERP_SIM_PORT: String(simPort), MES_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const sim = { url: `http://127.0.0.1:${simPort}` };
  for (let i = 0; i < 200 && !(await fetch(`${sim.url}/health`).then((r) => r.ok, () => false)); i++) await sleep(100);
  const setFaults = (plan: Partial<FaultPlan>) =>
    fetch(`${sim.url}/admin/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(plan) });
  const erp = new ObservedErp({ baseUrl: sim.url });
  // CPU per saga counts the Temporal dev server's too: found by its SQLite file, which lies in this bench's dir.
  const pids = { temporal: findPid(`${dir}/temporal.sqlite`), erpSim: simProcess.pid };
  if (pids.temporal === undefined) note('Temporal dev server process not found: its CPU is not reported');
  /** Direct: one posting by plain fetch, no look-up, no ledger, no Temporal; its latency into `times`. */
  const post = async (path: string, body: unknown, times?: number[]) => {
    const t0 = performance.now();
    const res = await fetch(new URL(path, sim.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status !== 201) throw new Error(`direct post: HTTP ${res.status}`);
    await res.arrayBuffer();
    times?.push(performance.now() - t0);
  };
  const taskQueue = 'bench-erp';
  const worker = await Worker.create({
    connection: temporal.env.nativeConnection, taskQueue, workflowBundle, activities: timedActivities(createActivities({ erp, db })), sinks: workflowSpanSinks(),
  });
  const client = temporal.env.client;

  const measure = async (latencyMs: number) => {
    await setFaults({ latencyMs });
    const tag = `l${latencyMs}`;
    // Saga: start every order and let it load its BOM first, so the measured window holds only the postings.
    const handles = await Promise.all(Array.from({ length: ORDERS }, async (_, i) => {
      const erpOrderId = `${latencyMs + 1}${String(i).padStart(5, '0')}`;
      const h = await client.workflow.start(workOrderWorkflow, {
        taskQueue, workflowId: workOrderWorkflowId('bench', erpOrderId),
        args: [{ release: { v: 1, site: 'bench', erpOrderId, material: 'BRACKET-A', quantity: '10', unit: 'PC', line: 'line-2', operation: '0010',
          releasedAt: '2026-01-05T06:00:00Z', confirmationPolicy: { goodsReceipt: true, overdeliveryTolerancePct: 0 } } }],
      });
      return h;
    }));
    await Promise.all(handles.map((h) => h.query(statusQuery)));
    const orderMs: number[] = [];
    const meter = cpuMeter(pids);
    const sagaMs = await lanes(ORDERS, IN_FLIGHT, async (i) => {
      const t0 = performance.now();
      const h = handles[i]!;
      await h.signal(productionCountsSignal, { v: 1, events: [{ eventId: `${tag}-${i}`, machine: 'm1', sourceTime: '2026-01-05T06:00:00Z', good: 10, scrap: 0 }] });
      await h.result();
      orderMs.push(performance.now() - t0);
    });
    const cpu = meter.read();
    // What one order cost Temporal: workflow tasks, activity tasks, local-activity markers in its history.
    const { events } = JSON.parse(historyToJSON(await handles[0]!.fetchHistory())) as { events: Array<{ eventType: string }> };
    const count = (type: string) => events.filter((e) => e.eventType === `EVENT_TYPE_${type}`).length;
    const perOrder = {
      workflowTasks: count('WORKFLOW_TASK_COMPLETED'),
      activityTasks: count('ACTIVITY_TASK_SCHEDULED'),
      localActivityMarkers: count('MARKER_RECORDED'),
    };
    // Direct: the same three postings per order, plain fetch in a loop, no look-up, no ledger, no Temporal.
    const postMs: number[] = [];
    const directMs = await lanes(ORDERS, IN_FLIGHT, async (i) => {
      const erpOrderId = `9${latencyMs}${String(i).padStart(5, '0')}`;
      const key = `direct:${tag}:${i}`;
      await post('/api/goods-movements', { postingKey: `${key}#2`, erpOrderId, movementType: '261', items: [{ material: 'SHEET-2MM', quantity: '2.5', unit: 'KG' }, { material: 'SCREW-M6', quantity: '40', unit: 'PC' }] }, postMs);
      await post('/api/confirmations', { postingKey: `${key}#1`, erpOrderId, operation: '0010', yieldQty: '10', scrapQty: '0', unit: 'PC', isFinal: true }, postMs);
      await post('/api/goods-movements', { postingKey: `${key}#3`, erpOrderId, movementType: '101', items: [{ material: 'BRACKET-A', quantity: '10', unit: 'PC' }] }, postMs);
    });
    // Posting latency in the saga, from the MES ledger: row written before the call, stamped when the ERP answered.
    const rows = await db.select({ c: erpPostings.createdAt, p: erpPostings.postedAt, w: erpPostings.workflowId }).from(erpPostings);
    const sagaPostMs = rows.filter((r) => r.w.startsWith(`work-order:bench:${latencyMs + 1}`) && r.p).map((r) => r.p!.getTime() - r.c.getTime());
    const total = ORDERS * POSTINGS_PER_ORDER;
    const figures = {
      postingsPerSec: Math.round((total / sagaMs) * 1000),
      directPostingsPerSec: Math.round((total / directMs) * 1000),
      ratioVsDirect: Number((directMs / sagaMs).toFixed(2)),
      p99Ms: percentile(sagaPostMs, 99),
      p50Ms: percentile(sagaPostMs, 50),
      directP99Ms: percentile(postMs, 99),
      orderP99Ms: percentile(orderMs, 99),
      workflowTasksPerOrder: perOrder.workflowTasks,
      activityTasksPerOrder: perOrder.activityTasks,
      markersPerOrder: perOrder.localActivityMarkers,
      // One order is one saga here (start excluded: the orders started before the window).
      cpuMsPerOrder: Math.round(cpu.engine! / ORDERS * 10) / 10,
      temporalCpuMsPerOrder: cpu.temporal === undefined ? undefined : Math.round(cpu.temporal / ORDERS * 10) / 10,
    };
    note(`latency ${latencyMs} ms: ${JSON.stringify(figures)} (${sagaPostMs.length} saga postings in the ledger)`);
    return figures;
  };

  try {
    const figures = await worker.runUntil(async () => {
      const slow = await measure(50);
      await setFaults({ latencyMs: 50 });
      const partials = await measurePartials({ client, taskQueue, erp, post, pids });
      return { slow, partials, fast: await measure(0) };
    });
    return {
      ...figures.slow,
      ...figures.partials,
      erpLatencyMs: 50,
      orders: ORDERS,
      inFlight: IN_FLIGHT,
      postings: ORDERS * POSTINGS_PER_ORDER,
      zeroLatencyPostingsPerSec: figures.fast.postingsPerSec,
      zeroLatencyDirectPostingsPerSec: figures.fast.directPostingsPerSec,
      zeroLatencyRatioVsDirect: figures.fast.ratioVsDirect,
      zeroLatencyP99Ms: figures.fast.p99Ms,
    };
  } finally {
    simProcess.kill('SIGTERM');
    await new Promise((r) => simProcess.once('exit', r));
    await db.$client.end();
    await temporal.stop();
    await pgServer.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
