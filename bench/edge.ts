import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { jetstream, jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { clearLockedPorts } from 'get-port';
import pino from 'pino';
import type { EdgeTag } from '../contracts/messages/edge-config.js';
import { MachineEventMessage, type MachineEvent } from '../contracts/messages/machine-event.js';
import { MES_EVENTS_STREAM } from '../contracts/streams.js';
import { Journal } from '../edge/buffer/journal.js';
import { startGateway } from '../edge/gateway.js';
import { createEdgeMetrics, total } from '../edge/metrics.js';
import { startPublisher } from '../edge/publisher.js';
import { provisionStreams } from '../jetstream/provision.js';
import { startNats } from '../stack/nats.js';
import { projectRoot } from '../stack/paths.js';
import { connectNats } from '../workers/wiring/nats.js';
import { benchDir, note, throughput } from './_util.js';

/**
 * `npm run bench -- edge`: the OPC UA line simulator (its own process) changes MACHINES x NOISE analog tags every
 * TICK ms plus fast counters; one gateway (this process) filters, batches and publishes to JetStream. Then NATS is
 * stopped for OUTAGE_SECONDS, and the journal's drain rate once it is back is the gateway's publish rate at capacity. Last,
 * the same events go through a plain JetStream publish loop (one event per message, 256 in flight), and the gateway's
 * own batch messages through the same plain loop.
 */
const MACHINES = Number(process.env.BENCH_EDGE_MACHINES ?? 5);
const NOISE = Number(process.env.BENCH_EDGE_TAGS ?? 2_000);
const TICK_MS = Number(process.env.BENCH_EDGE_TICK_MS ?? 200);
const SECONDS = Number(process.env.BENCH_EDGE_SECONDS ?? 15);
const OUTAGE_SECONDS = Number(process.env.BENCH_EDGE_OUTAGE_SECONDS ?? 10);
const RAW_MAX = 100_000;

export async function run(): Promise<Record<string, unknown>> {
  const dir = await benchDir('edge');
  let nats = await startNats({ dataDir: path.join(dir, 'nats') });
  const nc = await connectNats({ url: nats.url, user: nats.user, password: nats.password }, 'bench-edge');
  const jsm = await jetstreamManager(nc);
  await provisionStreams(jsm);
  const js = jetstream(nc);

  const bufferDir = path.join(dir, 'buffer');
  const codes = Array.from({ length: MACHINES }, (_, i) => `m-${i}`);
  const simConfig = {
    port: 0,
    certDir: path.join(dir, 'pki-sim'),
    machines: codes.map((code) => ({ code, cycleMs: 10, scrapRate: 0.02, noiseTags: NOISE, noiseTickMs: TICK_MS })),
  };
  note(`edge bench: ${MACHINES} machines x ${NOISE} tags every ${TICK_MS} ms = ${Math.round((MACHINES * NOISE * 1000) / TICK_MS)} changes/s offered`);
  // node --import tsx rather than the tsx wrapper, so `sim.pid` is the simulator itself (its CPU is read below).
  const sim = spawn(process.execPath, ['--import', 'tsx', 'workers/opcua-line-sim.ts'], {
    cwd: projectRoot,
    env: { ...process.env, MES_OPCUA_SIM_CONFIG: JSON.stringify(simConfig), MES_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    sim.once('exit', (c) => reject(new Error(`simulator exited ${c}`)));
    // node-opcua prints its own warnings on stdout too: take the line that is our JSON.
    createInterface({ input: sim.stdout! }).on('line', (l) => {
      if (l.startsWith('{"endpoint"')) resolve((JSON.parse(l) as { endpoint: string }).endpoint);
    });
  });

  // Half the noise tags: absolute deadband 25 on values in 0..100; the other half: at most one value a second.
  const tags = (code: string): EdgeTag[] => [
    { name: 'good', nodeId: `ns=1;s=${code}.Good`, kind: 'counter', counter: 'good', dataType: 'UInt32', samplingMs: 20, windowMs: 1_000 },
    { name: 'scrap', nodeId: `ns=1;s=${code}.Scrap`, kind: 'counter', counter: 'scrap', dataType: 'UInt32', samplingMs: 20, windowMs: 1_000 },
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
  const gateway = startGateway({
    machines: codes.map((code) => ({ ref: { site: 'bench', line: 'line-1', machine: code }, opcua: { endpoint, securityMode: 'None', securityPolicy: 'None', tags: tags(code) } })),
    js,
    log: pino({ level: 'warn' }),
    bufferDir,
    maxBufferEvents: 5_000_000,
    certDir: path.join(dir, 'pki-gateway'),
    trustUnknownServers: true,
  });
  const expectedItems = MACHINES * (NOISE + 2);
  const deadline = Date.now() + 120_000;
  while ((await total(gateway.metrics.changes)) < expectedItems && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  // Figures from a half-subscribed gateway would look like a slow one: stop instead.
  if ((await total(gateway.metrics.changes)) < expectedItems) throw new Error(`only ${await total(gateway.metrics.changes)} of ${expectedItems} items reported in 120 s`);
  note(`subscribed ${expectedItems} items; measuring ${SECONDS} s`);
  await new Promise((r) => setTimeout(r, 2_000)); // let the first-value burst pass

  // The simulator's CPU from /proc (Linux): on 2 cores it is what caps the offered rate.
  const simCpu = () => {
    const f = readFileSync(`/proc/${sim.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks of 10 ms
  };
  const s0 = simCpu();
  const c0 = await total(gateway.metrics.changes);
  const p0 = await total(gateway.metrics.published);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1_000));
  const seconds = (performance.now() - t0) / 1_000;
  const changes = (await total(gateway.metrics.changes)) - c0;
  const published = (await total(gateway.metrics.published)) - p0;
  const cpu = process.cpuUsage(cpu0);
  const simCpuPct = Math.round(((simCpu() - s0) / seconds) * 100);

  // Catch-up: NATS away while changes keep coming, the gateway stopped with that backlog in its journal, NATS back,
  // and the gateway's publisher drains the journal alone. Live, the gateway only publishes what the filters let
  // through; this is its publish rate at capacity (journal read included).
  const natsPort = Number(new URL(nats.url).port);
  await nats.stop();
  await new Promise((r) => setTimeout(r, OUTAGE_SECONDS * 1_000));
  sim.kill('SIGTERM');
  await gateway.stop();
  clearLockedPorts(); // the same port again: get-port would otherwise pick another
  nats = await startNats({ dataDir: path.join(dir, 'nats'), port: natsPort });
  const upDeadline = Date.now() + 30_000;
  while (!(await jsm.streams.info(MES_EVENTS_STREAM).then(() => true, () => false)) && Date.now() < upDeadline) await new Promise((r) => setTimeout(r, 50));
  if (!(await jsm.streams.info(MES_EVENTS_STREAM).then(() => true, () => false))) throw new Error('MES_EVENTS did not come back within 30 s of the NATS restart');
  const d0 = performance.now();
  const journal = Journal.open({ dir: bufferDir, maxEvents: 5_000_000 });
  const backlog = journal.depthEvents;
  const drainer = startPublisher({ js, journal, metrics: createEdgeMetrics(), log: pino({ level: 'warn' }) });
  await drainer.drained(120_000);
  const drainSeconds = (performance.now() - d0) / 1_000;
  await drainer.stop();
  const drainPerSec = Math.round(backlog / drainSeconds);
  note(`catch-up: ${backlog} events buffered while NATS was down, drained in ${drainSeconds.toFixed(2)} s`);

  // The same events, one per message with its own msgID, through a plain publish loop.
  const info = await jsm.streams.info(MES_EVENTS_STREAM);
  const events: MachineEvent[] = [];
  const batches: Array<{ subject: string; data: string; events: number }> = [];
  for (let seq = info.state.last_seq; seq >= info.state.first_seq && events.length < RAW_MAX; seq--) {
    const m = await jsm.streams.getMessage(MES_EVENTS_STREAM, { seq });
    if (!m) continue;
    const batch = MachineEventMessage.parse(m.json());
    events.push(...batch.events);
    batches.push({ subject: m.subject.replace(/^mes\./, 'bench.raw.batch.'), data: m.string(), events: batch.events.length });
  }
  const raw = events.slice(0, RAW_MAX);
  await jsm.streams.add({ name: 'BENCH_RAW', subjects: ['bench.raw.>'], storage: StorageType.File, retention: RetentionPolicy.Limits });
  const payloads = raw.map((e) => JSON.stringify(e));
  const rawPerSec = await throughput(raw.length, 256, (i) => js.publish(`bench.raw.${raw[i]!.machine}.${raw[i]!.kind}`, payloads[i]!, { msgID: raw[i]!.eventId }));
  // And the gateway's own batch messages, re-sent by a plain loop: what the journal and filters cost on top.
  const perBatch = batches.reduce((n, b) => n + b.events, 0) / Math.max(1, batches.length);
  const rawBatchMsgsPerSec = await throughput(batches.length, 256, (i) => js.publish(batches[i]!.subject, batches[i]!.data, { msgID: `raw-${i}` }));
  const rawBatchPerSec = Math.round(rawBatchMsgsPerSec * perBatch);

  await nc.close();
  await nats.stop();
  const publishedPerSec = Math.round(published / seconds);
  return {
    changesPerSec: Math.round(changes / seconds),
    offeredChangesPerSec: Math.round((MACHINES * NOISE * 1000) / TICK_MS),
    publishedPerSec,
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
    gatewayCpuPct: Math.round(((cpu.user + cpu.system) / 1e6 / seconds) * 100),
    simulatorCpuPct: simCpuPct,
    items: expectedItems,
    seconds: Math.round(seconds),
  };
}
