import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { clearLockedPorts } from 'get-port';
import pino from 'pino';
import type { EdgeTag } from '../contracts/messages/edge-config.js';
import { MES_EVENTS_STREAM } from '../contracts/streams.js';
import { startGateway, type Gateway } from '../edge/gateway.js';
import { total } from '../edge/metrics.js';
import { provisionStreams } from '../jetstream/provision.js';
import type { SimLineOptions } from '../simulators/opcua-line/config.js';
import { startNats, type NatsServer } from '../stack/nats.js';
import { connectNats } from '../workers/wiring/nats.js';
import { drainJournal, plainPublishLoops } from './_edge-compare.js';
import { startSimFleet, type SimFleet } from './_sim-fleet.js';
import { benchDir, note } from './_util.js';

/**
 * `npm run bench -- edge`: SIMS OPC UA line simulators (each its own process and server on its own loopback port,
 * each a share of the MACHINES) change NOISE analog tags per machine every TICK ms, besides the plant model's tags
 * of every machine (good/scrap counters, state, temperature, alarm). One gateway (this process) reads them all, one
 * session per simulator, filters, batches and publishes to JetStream. Its own CPU (this process) over the measured
 * window gives `gatewayChangesPerSecPerCore`. Then NATS is stopped for OUTAGE_SECONDS, and the journal's drain rate
 * once it is back is the gateway's publish rate at capacity. Last, the same events go through plain publish loops.
 * BENCH_EDGE_CPU_PROF=<dir> writes a CPU profile of the gateway's measured window and of each simulator there.
 * BENCH_EDGE_JOURNAL_FSYNC=off runs the journal without fsync (default `flush`, the gateway's), to measure its cost.
 */
const MACHINES = Number(process.env.BENCH_EDGE_MACHINES ?? 8);
const NOISE = Number(process.env.BENCH_EDGE_TAGS ?? 2_000);
const TICK_MS = Number(process.env.BENCH_EDGE_TICK_MS ?? 100);
const SIMS = Math.min(MACHINES, Number(process.env.BENCH_EDGE_SIMS ?? 4));
const SECONDS = Number(process.env.BENCH_EDGE_SECONDS ?? 15);
const OUTAGE_SECONDS = Number(process.env.BENCH_EDGE_OUTAGE_SECONDS ?? 10);
const CPU_PROF = process.env.BENCH_EDGE_CPU_PROF;
const JOURNAL_FSYNC = process.env.BENCH_EDGE_JOURNAL_FSYNC === 'off' ? 'off' : 'flush';

/** A machine as the plant model reads it (demo-plant.yaml's five tags), plus NOISE analog tags of bench load. */
const machineTags = (code: string): EdgeTag[] => [
  { name: 'good', nodeId: `ns=1;s=${code}.Good`, kind: 'counter', counter: 'good', dataType: 'UInt32', samplingMs: 20, windowMs: 1_000 },
  { name: 'scrap', nodeId: `ns=1;s=${code}.Scrap`, kind: 'counter', counter: 'scrap', dataType: 'UInt32', samplingMs: 20, windowMs: 1_000 },
  { name: 'state', nodeId: `ns=1;s=${code}.State`, kind: 'state', samplingMs: 100, debounceMs: 500, map: { RUN: 'running', IDLE: 'idle', STOP: 'stopped' } },
  {
    name: 'temperature',
    nodeId: `ns=1;s=${code}.Temperature`,
    kind: 'analog',
    unit: 'degC',
    samplingMs: 100,
    serverDeadband: true,
    deadband: { type: 'percent', value: 0.5 },
    range: { low: 0, high: 200 },
    minIntervalMs: 5_000,
  },
  { name: 'alarm', nodeId: `ns=1;s=${code}.AlarmActive`, kind: 'alarm', samplingMs: 100, code: 'STOP-ALARM', text: 'Machine stopped with an alarm' },
  // Half the noise tags: absolute deadband 25 on values in 0..100; the other half: at most one value a second.
  ...Array.from({ length: NOISE }, (_, i): EdgeTag => ({
    name: `noise-${i}`,
    nodeId: `ns=1;s=${code}.Noise${i}`,
    kind: 'analog',
    unit: '',
    samplingMs: TICK_MS,
    serverDeadband: false,
    deadband: { type: 'absolute', value: i % 2 === 0 ? 25 : 0 },
    minIntervalMs: i % 2 === 0 ? 0 : 1_000,
  })),
];
const TAGS_PER_MACHINE = machineTags('m-0').length;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function run(): Promise<Record<string, unknown>> {
  const dir = await benchDir('edge');
  const bufferDir = path.join(dir, 'buffer');
  const codes = Array.from({ length: MACHINES }, (_, i) => `m-${i}`);
  const offered = Math.round((MACHINES * NOISE * 1000) / TICK_MS);
  // Everything started is stopped in `finally`, newest first, also when a step fails.
  let nats: NatsServer | undefined;
  let nc: NatsConnection | undefined;
  let fleet: SimFleet | undefined;
  let gateway: Gateway | undefined;
  try {
    nats = await startNats({ dataDir: path.join(dir, 'nats') });
    nc = await connectNats({ url: nats.url, user: nats.user, password: nats.password }, 'bench-edge');
    const jsm = await jetstreamManager(nc);
    await provisionStreams(jsm);
    const js = jetstream(nc);

    note(`edge bench: ${MACHINES} machines x ${NOISE} noise tags every ${TICK_MS} ms = ${offered} changes/s offered (+ counters, states, temperatures) by ${SIMS} simulator processes`);
    if (CPU_PROF) await mkdir(CPU_PROF, { recursive: true });
    const simConfigs: SimLineOptions[] = Array.from({ length: SIMS }, (_, s) => ({
      port: 0,
      certDir: path.join(dir, `pki-sim-${s}`),
      securityModes: ['None'],
      seed: s + 1,
      // A stop (state STOP, alarm raised) of 1 s every ~5 s, so state and alarm tags change too.
      machines: codes.filter((_, i) => i % SIMS === s).map((code) => ({ code, cycleMs: 10, scrapRate: 0.02, stopEvery: 500, stopCycles: 100, noiseTags: NOISE, noiseTickMs: TICK_MS })),
    }));
    fleet = await startSimFleet(simConfigs, { cpuProfDir: CPU_PROF });
    const endpointOf = new Map(simConfigs.flatMap((c, s) => c.machines.map((m) => [m.code, fleet!.endpoints[s]!] as const)));

    gateway = startGateway({
      machines: codes.map((code) => ({
        ref: { site: 'bench', line: 'line-1', machine: code },
        // The simulators make a piece every 10 ms.
        idealCycleTimeS: 0.01,
        opcua: { endpoint: endpointOf.get(code)!, securityMode: 'None', securityPolicy: 'None', tags: machineTags(code) },
      })),
      js,
      log: pino({ level: 'warn' }),
      bufferDir,
      maxBufferEvents: 5_000_000,
      journalFsync: JOURNAL_FSYNC,
      certDir: path.join(dir, 'pki-gateway'),
      trustUnknownServers: true,
    });
    const g = gateway;
    const expectedItems = MACHINES * TAGS_PER_MACHINE;
    // Every item reports its first value once subscribed; figures from a half-subscribed gateway would look slow.
    const deadline = Date.now() + 120_000;
    while ((await total(g.metrics.changes)) < expectedItems && Date.now() < deadline) await sleep(200);
    if ((await total(g.metrics.changes)) < expectedItems) throw new Error(`only ${await total(g.metrics.changes)} of ${expectedItems} items reported in 120 s`);
    note(`subscribed ${expectedItems} items; measuring ${SECONDS} s`);
    await sleep(2_000); // let the first-value burst pass

    const load0 = loadavg()[0]!;
    const profiler = CPU_PROF ? new Session() : undefined;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    const s0 = fleet.cpuSeconds();
    const c0 = await total(g.metrics.changes);
    const p0 = await total(g.metrics.published);
    const f0 = await total(g.metrics.journalFsyncSeconds);
    const cpu0 = process.cpuUsage();
    const elu0 = performance.eventLoopUtilization();
    const t0 = performance.now();
    await sleep(SECONDS * 1_000);
    const seconds = (performance.now() - t0) / 1_000;
    const cpu = process.cpuUsage(cpu0);
    const elu = performance.eventLoopUtilization(elu0);
    const changes = (await total(g.metrics.changes)) - c0;
    const published = (await total(g.metrics.published)) - p0;
    const fsyncSeconds = (await total(g.metrics.journalFsyncSeconds)) - f0;
    // The simulators count at their cycle time, so any hold here would be a false alarm of the plausibility check.
    const counterHolds = await total(g.metrics.counterHolds);
    const simCpuPct = ((fleet.cpuSeconds() - s0) / seconds) * 100;
    const load1 = loadavg()[0]!;
    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      await writeFile(path.join(CPU_PROF!, 'gateway.cpuprofile'), JSON.stringify(profile));
      profiler.disconnect();
    }

    // Catch-up: NATS away while changes keep coming, the gateway stopped with that backlog in its journal, NATS back,
    // and the gateway's publisher drains the journal alone. Live, the gateway only publishes what the filters let
    // through; this is its publish rate at capacity (journal read included).
    const natsPort = Number(new URL(nats.url).port);
    await nats.stop();
    await sleep(OUTAGE_SECONDS * 1_000);
    await fleet.stop();
    await g.stop();
    gateway = undefined;
    clearLockedPorts(); // the same port again: get-port would otherwise pick another
    nats = await startNats({ dataDir: path.join(dir, 'nats'), port: natsPort });
    const upDeadline = Date.now() + 30_000;
    const streamUp = () => jsm.streams.info(MES_EVENTS_STREAM).then(() => true, () => false);
    while (!(await streamUp()) && Date.now() < upDeadline) await sleep(50);
    if (!(await streamUp())) throw new Error('MES_EVENTS did not come back within 30 s of the NATS restart');
    const { backlog, drainPerSec } = await drainJournal(js, bufferDir);
    const { rawPerSec, perBatch, rawBatchPerSec } = await plainPublishLoops(js, jsm);

    const changesPerSec = Math.round(changes / seconds);
    const publishedPerSec = Math.round(published / seconds);
    const gatewayCores = (cpu.user + cpu.system) / 1e6 / seconds;
    // Who set the pace: everything offered arrived; or less arrived and the gateway's event loop was never idle, using a
    // core (the gateway) or much less than one (shared CPU: other processes on the machine had the rest); or else the
    // simulators fell short.
    const limitedBy =
      changesPerSec >= 0.95 * offered ? 'offered rate' : elu.utilization < 0.9 ? 'load generator' : gatewayCores >= 0.8 ? 'gateway' : 'shared CPU';
    note(`live: ${changesPerSec} changes/s, gateway ${Math.round(gatewayCores * 100)} % of a core (event loop ${Math.round(elu.utilization * 100)} % busy), simulators ${Math.round(simCpuPct)} %; limited by the ${limitedBy}; load ${load0.toFixed(2)} -> ${load1.toFixed(2)}`);
    return {
      gatewayChangesPerSecPerCore: Math.round(changesPerSec / Math.max(gatewayCores, 1e-6)),
      changesPerSec,
      offeredChangesPerSec: offered,
      gatewayCpuPct: Math.round(gatewayCores * 100),
      gatewayEventLoopPct: Math.round(elu.utilization * 100),
      loadGeneratorCpuPct: Math.round(simCpuPct),
      simulatorCpuPct: Math.round(simCpuPct),
      simulators: SIMS,
      limitedBy,
      publishedPerSec,
      journalFsync: JOURNAL_FSYNC,
      // Share of the live window's wall time a journal fsync was running (on the thread pool, not the event loop).
      journalFsyncPct: Number(((fsyncSeconds / seconds) * 100).toFixed(2)),
      counterHolds,
      filterRatio: Number((published / Math.max(1, changes)).toFixed(3)),
      catchUpBacklog: backlog,
      catchUpPublishedPerSec: drainPerSec,
      rawPublishPerSec: rawPerSec,
      rawBatchPublishPerSec: rawBatchPerSec,
      eventsPerMessage: Math.round(perBatch),
      // At capacity (catch-up) over the plain loop; the live rate is capped by what the filters let through.
      ratioVsRawPublish: Number((drainPerSec / rawPerSec).toFixed(2)),
      liveRatioVsRawPublish: Number((publishedPerSec / rawPerSec).toFixed(2)),
      ratioVsRawBatchPublish: Number((drainPerSec / rawBatchPerSec).toFixed(2)),
      items: expectedItems,
      seconds: Math.round(seconds),
      loadAvg1: [Number(load0.toFixed(2)), Number(load1.toFixed(2))],
    };
  } finally {
    await fleet?.stop().catch((e: Error) => note(`stopping simulators: ${e.message}`));
    await gateway?.stop().catch((e: Error) => note(`stopping the gateway: ${e.message}`));
    await nc?.close().catch(() => undefined);
    await nats?.stop().catch((e: Error) => note(`stopping NATS: ${e.message}`));
  }
}
