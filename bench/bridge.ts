import { jetstream } from '@nats-io/jetstream';
import { workOrderWorkflowId } from '../contracts/ids.js';
import { batchMsgId, machineEventSubject, MachineEventMessage, type MachineEvent } from '../contracts/messages/machine-event.js';
import { erpReleaseSubject } from '../contracts/names.js';
import { completeOrderSignal, productionCountsSignal, statusQuery } from '../workflows/definitions.js';
import type { workOrderWorkflow } from '../workflows/work-order.js';
import { startBenchEngine } from './_engine.js';
import { between, historyTimings, snapshot } from './_timings.js';
import { note, throughput } from './_util.js';

const EVENTS = 60_000;
const BATCH = 500;
const UNBATCHED_EVENTS = 3_000;
const UNBATCHED_IN_FLIGHT = 64;
const PACED_PER_SEC = 5_000;
const PACED_SECONDS = 10;

const counts = (prefix: string, n: number, startMs: number): MachineEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    v: 1, eventId: `${prefix}:${i}`, site: 'plant1', line: 'line-2', machine: 'robot-1', tag: 'GoodCount',
    sourceTime: new Date(startMs + i).toISOString(), quality: 'good', kind: 'counter', counter: 'good', delta: 1, raw: i,
  }));

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;

/**
 * Events published to JetStream (as the edge does, in batches per message) until visible in the work order's status
 * query: throughput unpaced, latency at a steady 5,000 events/s. Baseline in the same run and server: one Temporal
 * signal per event, 64 in flight, no bridge.
 */
export async function run(): Promise<Record<string, number>> {
  const engine = await startBenchEngine('bridge');
  const { services } = engine;
  const js = jetstream(services.nc);
  const releaseOrder = async (id: string) => {
    const r = { v: 1, site: 'plant1', erpOrderId: id, material: 'BRACKET-A', quantity: '100000000', unit: 'PC', line: 'line-2', operation: '0010', releasedAt: new Date().toISOString() };
    await js.publish(erpReleaseSubject('plant1'), JSON.stringify(r), { msgID: `bench-${id}` });
    const h = services.client.workflow.getHandle<typeof workOrderWorkflow>(workOrderWorkflowId('plant1', id));
    for (let i = 0; i < 200; i++) {
      const ok = await h.query(statusQuery).then(() => true, () => false);
      if (ok) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    return h;
  };

  /** Publishes `events` in messages of `batch`, `perSecond` paced (0 = as fast as JetStream takes them); returns when all are visible. */
  async function drive(erpOrderId: string, events: MachineEvent[], batch: number, perSecond: number) {
    const h = await releaseOrder(erpOrderId);
    await new Promise((r) => setTimeout(r, 500)); // the read model row, so the bridge's context sees the order
    const m = services.bridgeMetrics;
    const before = await Promise.all([snapshot(m.roundSeconds), snapshot(m.signalSeconds), snapshot(m.rowsPerSignal)]);
    const published: Array<{ at: number; upTo: number }> = [];
    const latencies: number[] = [];
    const t0 = performance.now();
    let watching = true;
    const watcher = (async () => {
      let seen = 0;
      while (watching) {
        const s = await h.query(statusQuery);
        const now = performance.now();
        while (seen < published.length && published[seen]!.upTo <= s.eventsApplied) latencies.push(now - published[seen++]!.at);
        if (s.eventsApplied >= events.length) return now;
        await new Promise((r) => setTimeout(r, 50));
      }
      return performance.now();
    })();
    for (let i = 0; i < events.length; i += batch) {
      if (perSecond > 0) {
        const due = t0 + (i / perSecond) * 1000;
        if (due > performance.now()) await new Promise((r) => setTimeout(r, due - performance.now()));
      }
      const b = MachineEventMessage.parse({ v: 1, events: events.slice(i, i + batch) });
      await js.publish(machineEventSubject(b.events[0]!), JSON.stringify(b), { msgID: batchMsgId(b), timeout: 60_000 });
      published.push({ at: performance.now(), upTo: i + b.events.length });
    }
    const tEnd = await Promise.race([watcher, new Promise<number>((r) => setTimeout(() => r(-1), 300_000))]);
    watching = false;
    if (tEnd < 0) throw new Error('bridge did not deliver every event within 5 minutes');
    // Where the time went: the bridge's transactions, the relay's signals (all workflows: the order and its shift),
    // and inside Temporal from the order's last run's history.
    const after = await Promise.all([snapshot(m.roundSeconds), snapshot(m.signalSeconds), snapshot(m.rowsPerSignal)]);
    const split = {
      dbTx: between(before[0], after[0], 1000),
      signal: between(before[1], after[1], 1000),
      rowsPerSignal: between(before[2], after[2]).mean,
      temporal: await historyTimings(h),
    };
    // One active order per line: close this one so the next run's events go to the next order.
    await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'bench' });
    await h.result();
    // How many runs the order took (continue-as-new); a run's carry is a high-water mark now, not 50,000 ids.
    const runs = (await services.client.workflow.count(`WorkflowId = '${h.workflowId}'`)).count;
    return { perSec: Math.round((events.length / (tEnd - t0)) * 1000), p50: pct(latencies, 50), p99: pct(latencies, 99), runs, latencies, split };
  }

  // Throughput: publish as fast as JetStream takes it, time until the workflow shows every event.
  const blast = await drive('9000001', counts('blast', EVENTS, Date.now()), BATCH, 0);
  note(`bridge, unpaced: ${EVENTS} events at ${blast.perSec}/s (backlog latency p50 ${blast.p50.toFixed(0)} ms, p99 ${blast.p99.toFixed(0)} ms)`);
  // Latency: a steady line of events at PACED_PER_SEC in messages of 100, as a busy edge gateway would send.
  const paced = await drive('9000003', counts('paced', PACED_PER_SEC * PACED_SECONDS, Date.now()), 100, PACED_PER_SEC);
  note(`bridge, paced at ${PACED_PER_SEC}/s: p50 ${paced.p50.toFixed(0)} ms, p99 ${paced.p99.toFixed(0)} ms, ${paced.runs} workflow runs`);
  note(`paced latencies over time (ms, every 25th message): ${paced.latencies.filter((_, i) => i % 25 === 0).map((x) => x.toFixed(0)).join(' ')}`);
  note(`paced, where the time goes: ${JSON.stringify(paced.split)}`);
  note(`unpaced, where the time goes: ${JSON.stringify(blast.split)}`);
  const eventsPerSec = blast.perSec;

  // Baseline: one signal per event straight to a workflow.
  const u = await releaseOrder('9000002');
  const single = counts('single', UNBATCHED_EVENTS, Date.now());
  const unbatchedPerSec = await throughput(UNBATCHED_EVENTS, UNBATCHED_IN_FLIGHT, (i) => {
    const e = single[i]! as Extract<MachineEvent, { kind: 'counter' }>;
    return u.signal(productionCountsSignal, { v: 1, events: [{ eventId: e.eventId, machine: e.machine, sourceTime: e.sourceTime, good: e.delta, scrap: 0 }] });
  });
  note(`unbatched: ${unbatchedPerSec} signals (= events)/s with ${UNBATCHED_IN_FLIGHT} in flight`);
  await engine.stop();
  return {
    events: EVENTS,
    eventsPerSec,
    p50Ms: Math.round(paced.p50),
    p99Ms: Math.round(paced.p99),
    pacedEventsPerSec: PACED_PER_SEC,
    pacedWorkOrderRuns: paced.runs,
    unpacedBacklogP99Ms: Math.round(blast.p99),
    unbatchedEventsPerSec: unbatchedPerSec,
    ratioVsUnbatched: Number((eventsPerSec / unbatchedPerSec).toFixed(1)),
    // Where the paced phase's time goes (means from the bridge's histograms; p99 as the histogram bucket it fell under).
    pacedDbTxMeanMs: paced.split.dbTx.mean,
    pacedDbTxP99AtMostMs: paced.split.dbTx.p99AtMost,
    pacedRounds: paced.split.dbTx.n,
    pacedRelaySignalMeanMs: paced.split.signal.mean,
    pacedRelaySignalP99AtMostMs: paced.split.signal.p99AtMost,
    pacedSignals: paced.split.signal.n,
    pacedRowsPerSignal: paced.split.rowsPerSignal,
    pacedTemporalDispatchP50Ms: paced.split.temporal.dispatchP50Ms,
    pacedTemporalDispatchP99Ms: paced.split.temporal.dispatchP99Ms,
    pacedActivationP50Ms: paced.split.temporal.activationP50Ms,
    pacedActivationP99Ms: paced.split.temporal.activationP99Ms,
    unpacedDbTxMeanMs: blast.split.dbTx.mean,
    unpacedRelaySignalMeanMs: blast.split.signal.mean,
    unpacedRowsPerSignal: blast.split.rowsPerSignal,
  };
}
