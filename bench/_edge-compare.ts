import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { RetentionPolicy, StorageType } from '@nats-io/jetstream';
import pino from 'pino';
import { MachineEventMessage, type MachineEvent } from '../contracts/messages/machine-event.js';
import { MES_EVENTS_STREAM } from '../contracts/streams.js';
import { Journal } from '../edge/buffer/journal.js';
import { createEdgeMetrics } from '../edge/metrics.js';
import { startPublisher } from '../edge/publisher.js';
import { note, throughput } from './_util.js';

const RAW_MAX = 100_000;

/**
 * The gateway's publisher alone draining the journal a stopped gateway left behind (its publish rate at capacity,
 * journal read included), waiting at most `timeoutMs`.
 */
export async function drainJournal(js: JetStreamClient, bufferDir: string, timeoutMs = 120_000) {
  const d0 = performance.now();
  const journal = Journal.open({ dir: bufferDir, maxEvents: 5_000_000 });
  const backlog = journal.depthEvents;
  const drainer = startPublisher({ js, journal, metrics: createEdgeMetrics(), log: pino({ level: 'warn' }) });
  try {
    if (!(await drainer.drained(timeoutMs))) throw new Error(`journal not drained within ${timeoutMs} ms (${journal.depthEvents} events left)`);
  } finally {
    await drainer.stop();
  }
  const drainSeconds = (performance.now() - d0) / 1_000;
  note(`catch-up: ${backlog} events buffered while NATS was down, drained in ${drainSeconds.toFixed(2)} s`);
  return { backlog, drainPerSec: Math.round(backlog / drainSeconds) };
}

/**
 * The same events the gateway stored, re-sent by plain publish loops (256 in flight): one event per message with its
 * own msgID, and the gateway's own batch messages as they are. At most RAW_MAX events are read back.
 */
export async function plainPublishLoops(js: JetStreamClient, jsm: JetStreamManager) {
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
  const perBatch = batches.reduce((n, b) => n + b.events, 0) / Math.max(1, batches.length);
  const rawBatchMsgsPerSec = await throughput(batches.length, 256, (i) => js.publish(batches[i]!.subject, batches[i]!.data, { msgID: `raw-${i}` }));
  return { rawPerSec, perBatch, rawBatchPerSec: Math.round(rawBatchMsgsPerSec * perBatch) };
}
