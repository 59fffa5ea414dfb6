import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { shiftWorkflowId, workOrderWorkflowId } from '../contracts/ids.js';
import { batchMsgId, machineEventSubject, MachineEventMessage, type MachineEvent } from '../contracts/messages/machine-event.js';
import { MES_EVENTS_STREAM, SIGNAL_BRIDGE_DURABLE } from '../contracts/streams.js';
import { defaultShiftCalendar } from '../shifts/calendar-of.js';
import { shiftOf } from '../shifts/shift-of.js';
import { startWorkOrder } from '../services/start-work-order.js';
import { shiftStatusQuery, statusQuery } from '../workflows/definitions.js';
import { bundleMesWorkflows, WORKFLOW_CACHE_SIZE } from '../workers/wiring/temporal-worker.js';
import { startBenchEngine } from './_engine.js';
import { historyTimings } from './_timings.js';
import { countEvents, generatedPlant, pct, readCpu, releaseOf, round, SERVERS, serverPids, sleep, SITE, TIMEZONE, type CpuReading } from './_scale-plant.js';
import { note, throughput } from './_util.js';

const STEPS = (process.env.BENCH_SCALE_LINES ?? '10,100,1000').split(',').map(Number);
/** One total rate for every step, in messages of BATCH events of one machine (as the edge sends a counter window). */
const EVENTS_PER_SEC = Number(process.env.BENCH_SCALE_RATE ?? 2_000);
const BATCH = 20;
const SECONDS = Number(process.env.BENCH_SCALE_SECONDS ?? 30);
/** Lines whose order is queried for latency: the same number and poll rate in every step, so the cost is the same. */
const SAMPLED = 8;
const POLL_MS = 200;
const DRAIN_TIMEOUT_MS = Number(process.env.BENCH_SCALE_TIMEOUT_S ?? 180) * 1000;
const PUBLISH_IN_FLIGHT = 32;

/** Publishes with at most PUBLISH_IN_FLIGHT unacknowledged; `flush` waits for the rest and throws the first failure. */
function publisher(js: JetStreamClient) {
  const pending = new Set<Promise<unknown>>();
  let failure: unknown;
  return {
    async send(events: MachineEvent[]) {
      while (pending.size >= PUBLISH_IN_FLIGHT) await Promise.race(pending);
      const b = MachineEventMessage.parse({ v: 1, events });
      const p: Promise<unknown> = js
        .publish(machineEventSubject(events[0]!), JSON.stringify(b), { msgID: batchMsgId(b), timeout: 60_000 })
        .catch((err: unknown) => (failure ??= err))
        .finally(() => pending.delete(p));
      pending.add(p);
    },
    async flush() {
      await Promise.all(pending);
      if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
    },
  };
}

/** A step's figures: CPU per 1,000 events by process, the worker's memory, latency, history growth. */
type StepFigures = Record<string, number | string | boolean>;

async function step(n: number, workflowBundle: Awaited<ReturnType<typeof bundleWorkflowCode>>): Promise<StepFigures> {
  const engine = await startBenchEngine(`scale-${n}`, { plant: generatedPlant(n), workflowBundle });
  const onSignal = () => void engine.stop().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const { services, dir } = engine;
    const { client, db } = services;
    const js = jetstream(services.nc);
    const pids = serverPids(dir);
    const memBefore = process.memoryUsage();
    const count = async (sql: string) => Number(((await db.$client.query(sql)).rows[0] as { n: string }).n);
    const drained = async (what: string) => {
      const consumer = await js.consumers.get(MES_EVENTS_STREAM, SIGNAL_BRIDGE_DURABLE);
      const until = Date.now() + DRAIN_TIMEOUT_MS;
      for (;;) {
        const i = await consumer.info();
        const rows = await count('select count(*) as n from outbox');
        if (i.num_pending + i.num_ack_pending === 0 && rows === 0) return;
        if (Date.now() > until)
          throw new Error(`${what}: not drained after ${DRAIN_TIMEOUT_MS / 1000} s (JetStream: ${i.num_pending} pending, ${i.num_ack_pending} unacked; ${rows} outbox rows)`);
        await sleep(100);
      }
    };

    // Orders: started as the ERP listener does (the same service), then the read model the bridge's context reads.
    const t0 = performance.now();
    const startsPerSec = await throughput(n, 32, (i) => startWorkOrder(client, releaseOf(i)));
    for (let t = Date.now(); (await count(`select count(*) as n from work_orders where status = 'released'`)) < n; await sleep(200))
      if (Date.now() - t > DRAIN_TIMEOUT_MS) throw new Error('orders not in the read model after 3 minutes');
    // Shifts: started by each line's first event (signal-with-start by the relay), all lines at once.
    const t1 = performance.now();
    const pub = publisher(js);
    const seq = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      await pub.send(countEvents(i, 0, 1));
      seq[i] = 1;
    }
    await pub.flush();
    await drained('first events');
    const warmupMs = performance.now() - t1;
    note(`scale ${n}: ${n} orders started at ${startsPerSec}/s (read model after ${Math.round(t1 - t0)} ms); ${n} shifts by first events in ${Math.round(warmupMs)} ms`);

    // Sampled lines: their order and shift, for latency and history growth.
    const sampled = Array.from({ length: Math.min(SAMPLED, n) }, (_, j) => Math.floor((j * n) / Math.min(SAMPLED, n)));
    const slot = shiftOf(new Date().toISOString(), defaultShiftCalendar(TIMEZONE))!;
    const orders = sampled.map((i) => client.workflow.getHandle(workOrderWorkflowId(SITE, releaseOf(i).erpOrderId)));
    const shifts = sampled.map((i) => client.workflow.getHandle(shiftWorkflowId(SITE, releaseOf(i).line, slot.date, slot.shiftCode)));
    const histories = async (hs: WorkflowHandle[]) => (await Promise.all(hs.map((h) => h.describe()))).reduce((s, d) => s + d.historyLength, 0);
    const queryMs: number[] = [];
    const applied = async () =>
      Promise.all(
        orders.map(async (h) => {
          const q0 = performance.now();
          const s = await h.query(statusQuery);
          queryMs.push(performance.now() - q0);
          return s.eventsApplied;
        }),
      );
    const shiftPieces = async () => (await Promise.all(shifts.map((h) => h.query(shiftStatusQuery)))).reduce((s, x) => s + x.good, 0);
    const before = { orderHist: await histories(orders), shiftHist: await histories(shifts), applied: await applied(), shiftGood: await shiftPieces() };

    // The measured window: a steady EVENTS_PER_SEC for SECONDS, lines in turn, until every event is through.
    const total = EVENTS_PER_SEC * SECONDS;
    const published = sampled.map(() => [] as Array<{ at: number; upTo: number }>);
    const expected = [...before.applied];
    const latencies: number[] = [];
    let watching = true;
    let publishing = true;
    const watcher = (async () => {
      const seen = sampled.map(() => 0);
      while (watching) {
        const now = await applied().then((a) => ({ a, t: performance.now() }));
        sampled.forEach((_, j) => {
          const p = published[j]!;
          while (seen[j]! < p.length && p[seen[j]!]!.upTo <= now.a[j]!) latencies.push(now.t - p[seen[j]!++]!.at);
        });
        if (sampled.every((_, j) => now.a[j]! >= expected[j]! && seen[j] === published[j]!.length) && !publishing) return;
        await sleep(POLL_MS);
      }
    })();
    const signals = async () => (await services.bridgeMetrics.signals.get()).values.reduce((x, v) => x + v.value, 0);
    const signals0 = await signals();
    const cpu0 = readCpu(pids);
    const w0 = performance.now();
    for (let k = 0; k < total / BATCH; k++) {
      const due = w0 + ((k * BATCH) / EVENTS_PER_SEC) * 1000;
      if (due > performance.now()) await sleep(due - performance.now());
      const i = k % n;
      await pub.send(countEvents(i, seq[i]!, BATCH));
      seq[i]! += BATCH;
      const j = sampled.indexOf(i);
      if (j >= 0) published[j]!.push({ at: performance.now(), upTo: (expected[j]! += BATCH) });
    }
    publishing = false;
    const publishSeconds = (performance.now() - w0) / 1000;
    await pub.flush();
    await drained('measured window');
    await Promise.race([watcher, sleep(DRAIN_TIMEOUT_MS).then(() => Promise.reject(new Error('sampled orders did not show every event')))]);
    watching = false;
    const cpu1 = readCpu(pids);
    const windowSeconds = (performance.now() - w0) / 1000;
    const mem = process.memoryUsage();
    // Inside Temporal, from a sampled order's history: signalled -> its task started (dispatch), started -> completed.
    const temporal = await historyTimings(orders[0]!);
    const after = { orderHist: await histories(orders), shiftHist: await histories(shifts), applied: await applied(), shiftGood: await shiftPieces() };

    const per1000 = (k: keyof CpuReading) => round(((cpu1[k] - cpu0[k]) / total) * 1000, 3);
    const cpu = { engine: per1000('engine'), temporal: per1000('temporal'), nats: per1000('nats'), postgres: per1000('postgres') };
    const pieces = after.applied.reduce((s, x) => s + x, 0) - before.applied.reduce((s, x) => s + x, 0);
    const orderHist = after.orderHist - before.orderHist;
    const shiftHist = after.shiftHist - before.shiftHist;
    const f: StepFigures = {
      lines: n,
      openWorkflows: 2 * n,
      events: total,
      publishSeconds: round(publishSeconds, 1),
      windowSeconds: round(windowSeconds, 1),
      cpuSecPer1000Events: round(cpu.engine + cpu.temporal + cpu.nats + cpu.postgres, 3),
      engineCpuSecPer1000Events: cpu.engine,
      temporalCpuSecPer1000Events: cpu.temporal,
      natsCpuSecPer1000Events: cpu.nats,
      postgresCpuSecPer1000Events: cpu.postgres,
      coresBusy: round(SERVERS.reduce((s, k) => s + cpu1[k] - cpu0[k], cpu1.engine - cpu0.engine) / windowSeconds),
      workerRssMb: round(mem.rss / 2 ** 20, 0),
      workerHeapUsedMb: round(mem.heapUsed / 2 ** 20, 0),
      rssGrowthMb: round((mem.rss - memBefore.rss) / 2 ** 20, 0),
      rssKbPerOpenWorkflow: round((mem.rss - memBefore.rss) / 1024 / (2 * n), 0),
      p50Ms: Math.round(pct(latencies, 50)),
      p99Ms: Math.round(pct(latencies, 99)),
      latencySamples: latencies.length,
      // Latency is taken when a status query returns, so it includes the query's own round trip:
      queryP50Ms: Math.round(pct(queryMs, 50)),
      queryP99Ms: Math.round(pct(queryMs, 99)),
      dispatchP50Ms: temporal.dispatchP50Ms,
      dispatchP99Ms: temporal.dispatchP99Ms,
      activationP50Ms: temporal.activationP50Ms,
      activationP99Ms: temporal.activationP99Ms,
      historyEventsPer1000Pieces: pieces > 0 ? round(((orderHist + shiftHist) / pieces) * 1000, 1) : -1,
      orderHistoryEventsPer1000Pieces: pieces > 0 ? round((orderHist / pieces) * 1000, 1) : -1,
      shiftHistoryEventsPer1000Pieces: pieces > 0 ? round((shiftHist / (after.shiftGood - before.shiftGood)) * 1000, 1) : -1,
      signalsPer1000Events: round((((await signals()) - signals0) / total) * 1000, 1),
      startsPerSec,
      shiftStartMs: Math.round(warmupMs),
    };
    note(`scale ${n}: ${JSON.stringify(f)}`);
    return f;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await engine.stop();
  }
}

/**
 * `npm run bench -- scale`: 10, 100 and 1,000 lines (a generated plant, one machine and cost center per line), each
 * with an open work order and its shift, at one total event rate; fresh servers per step. Per step: CPU-seconds per
 * 1,000 events of this process (engine: worker, bridge, relay, listener; and the load generator), the Temporal dev
 * server, nats-server and PostgreSQL (from /proc); the worker's memory; p99 from publish to visible in a sampled
 * order's query; history events per 1,000 pieces. Last: costGrowth, CPU per event at the most lines over the fewest.
 */
export async function run(): Promise<Record<string, unknown>> {
  const workflowBundle = await bundleMesWorkflows(new DefaultLogger('ERROR'));
  const steps: StepFigures[] = [];
  for (const n of STEPS) {
    try {
      steps.push(await step(n, workflowBundle));
    } catch (err) {
      // Where it breaks is a figure too: the steps before it stand.
      note(`scale ${n}: failed: ${(err as Error).message}`);
      steps.push({ lines: n, failed: (err as Error).message });
    }
  }
  const ok = steps.filter((s) => s.failed === undefined);
  const first = ok[0];
  const last = ok.at(-1);
  return {
    eventsPerSec: EVENTS_PER_SEC,
    eventsPerMessage: BATCH,
    seconds: SECONDS,
    maxCachedWorkflows: WORKFLOW_CACHE_SIZE,
    steps,
    costGrowthLines: last ? `${String(last.lines)}/${String(first!.lines)}` : 'none',
    costGrowth: first && last ? round(Number(last.cpuSecPer1000Events) / Number(first.cpuSecPer1000Events)) : -1,
  };
}
