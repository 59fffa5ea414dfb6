import type { JetStreamClient } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import type { MachineEventKind } from '../contracts/messages/machine-event.js';
import { Batcher } from './batcher.js';
import { gatewayClock } from './clock.js';
import { Journal } from './buffer/journal.js';
import { createEdgeMetrics, type EdgeMetrics } from './metrics.js';
import { startEndpoint } from './opcua/endpoint.js';
import { groupByEndpoint, type EdgeMachine } from './plant.js';
import { startPublisher } from './publisher.js';
import { counterKey, TagPipeline, type CounterNote, type Outcome, type Reading } from './tag-pipeline.js';

export interface GatewayOptions {
  machines: EdgeMachine[];
  js: JetStreamClient;
  log: Logger;
  /** Store-and-forward journal directory; keep it on a disk that survives a restart. */
  bufferDir: string;
  maxBufferEvents: number;
  /** The journal's fsync policy (edge/buffer/journal.ts `JournalOptions.fsync`); default `'flush'`, once per tick. */
  journalFsync?: 'flush' | 'off';
  certDir: string;
  trustUnknownServers?: boolean;
  /** Resolves a machine's `credentialsRef`; the gateway entrypoint reads them from its environment. */
  credentials?: (ref: string) => { user: string; password: string } | undefined;
  /** Filter timers (debounce, min interval, counter windows) run at this period. */
  tickMs?: number;
  metrics?: EdgeMetrics;
}

/**
 * The edge gateway: OPC UA readings -> per-tag filters -> per-subject batches -> on-disk journal -> JetStream.
 * Every stage is bounded: filters keep one pending value per tag, the batcher is flushed every tick, the journal
 * has its event bound, the publisher a window of messages in flight.
 */
export function startGateway(o: GatewayOptions) {
  const metrics = o.metrics ?? createEdgeMetrics();
  const log = o.log;
  const journal = Journal.open({ dir: o.bufferDir, maxEvents: o.maxBufferEvents, fsync: o.journalFsync ?? 'flush' });
  if (journal.skippedLines > 0) log.warn({ lines: journal.skippedLines }, 'buffer: skipped torn journal lines (crash mid-write)');
  if (journal.depthEvents > 0) log.info({ events: journal.depthEvents }, 'buffer: resuming unsent events from disk');
  const batcher = new Batcher(journal);
  const publisher = startPublisher({ js: o.js, journal, metrics, log });
  const pipelines: TagPipeline[] = [];
  // Only pipelines with something waiting are ticked: with thousands of tags, ticking all of them every 50 ms cost
  // more than the readings did.
  const due = new Set<TagPipeline>();
  // Hot path counters are plain numbers, moved into prom-client on each tick (label look-ups per change cost).
  const changes: Record<MachineEventKind, number> = { counter: 0, state: 0, analog: 0, alarm: 0, hold: 0 };
  const eventsIn: Record<MachineEventKind, number> = { counter: 0, state: 0, analog: 0, alarm: 0, hold: 0 };
  let connected = 0;
  let stalled = 0;
  let fullSince: number | undefined;
  let droppedWhileFull = 0;

  // When a counter's committed raw was read, moved from the gateway clock onto the wall clock for the journal.
  const readWallMs = (readAt: number | undefined) => (readAt === undefined ? undefined : Date.now() - (gatewayClock() - readAt));
  const handle = (out: Outcome) => {
    if (out?.type === 'event') {
      eventsIn[out.event.kind]++;
      batcher.add(out.event, readWallMs(out.readAt));
    } else if (out?.type === 'events') {
      const wallMs = readWallMs(out.readAt);
      for (const e of out.events) {
        eventsIn[e.kind]++;
        batcher.add(e, wallMs);
      }
    }
  };
  const onCounter = (n: CounterNote) => {
    if (n.type === 'suspect') metrics.counterSuspectDrops.inc();
    else if (n.type === 'decided') metrics.counterDecisions.inc({ step: n.step });
    else metrics.counterHolds.inc({ reason: n.reason });
  };
  // A committed raw's wall-clock time, moved onto the gateway clock: the time since the commit is what a counter
  // may have counted while the gateway was down.
  const committedAt = (key: string) => {
    const c = journal.committed(key);
    return c && { raw: c.raw, wallMs: c.wallMs, at: gatewayClock() - (Date.now() - c.wallMs) };
  };

  const endpoints = groupByEndpoint(o.machines).map((group) => {
    const first = group[0]!.opcua;
    const credentials = first.credentialsRef ? o.credentials?.(first.credentialsRef) : undefined;
    if (first.credentialsRef && !credentials) throw new Error(`no credentials for credentialsRef ${first.credentialsRef} (set ${first.credentialsRef}_USER and ${first.credentialsRef}_PASSWORD)`);
    const tags = group.flatMap((m) =>
      m.opcua.tags.map((tag) => {
        const p = new TagPipeline(m.ref, tag, { committed: committedAt(counterKey(m.ref, tag.name)), idealCycleTimeS: m.idealCycleTimeS, onCounter });
        pipelines.push(p);
        // Readings not used since the tag turned bad: logged once when it turns bad and once when it recovers, so a
        // stuck sensor cannot flood the log.
        let notUsed = 0;
        return {
          tag,
          label: p.label,
          onReading: (r: Reading) => {
            changes[tag.kind]++;
            const out = p.offer(r);
            if (out?.type === 'dropped') {
              metrics.dropped.inc({ reason: out.reason });
              if (notUsed++ === 0) log.warn({ tag: p.label, nodeId: tag.nodeId, reason: out.reason, detail: out.detail }, 'reading not used');
              return;
            }
            if (notUsed > 0) {
              log.info({ tag: p.label, nodeId: tag.nodeId, readingsNotUsed: notUsed }, 'tag readings usable again');
              notUsed = 0;
            }
            handle(out);
            if (p.hasPending) due.add(p);
          },
        };
      }),
    );
    let up = false;
    let live = true;
    const endpoint = startEndpoint({
      opcua: first,
      credentials,
      tags,
      certDir: o.certDir,
      trustUnknownServers: o.trustUnknownServers ?? false,
      log,
      onConnectedChange: (c) => {
        if (c === up) return;
        up = c;
        connected += c ? 1 : -1;
        metrics.endpointsConnected.set(connected);
      },
      onSubscriptionLive: (l) => {
        if (l === live) return;
        live = l;
        stalled += l ? -1 : 1;
        metrics.subscriptionsStalled.set(stalled);
      },
      onSubscriptionRecreated: () => metrics.subscriptionsRecreated.inc({ endpoint: first.endpoint }),
      clockSkewWarnMs: first.clockSkewWarnMs,
    });
    return { ...endpoint, name: first.endpoint };
  });
  metrics.endpointsConfigured.set(endpoints.length);

  const tick = () => {
    // Filter timers run on the gateway's monotonic clock, the one each Reading's receivedAt is on.
    const now = gatewayClock();
    // While the buffer is full, counter pieces stay in their pipelines (summed), so no piece is ever dropped.
    const room = journal.hasRoom(batcher.buffered + pipelines.length);
    for (const p of due) {
      handle(p.tick(now, room));
      if (!p.hasPending) due.delete(p);
    }
    if (batcher.buffered > 0) {
      const r = batcher.flush();
      if (r.dropped > 0) {
        metrics.dropped.inc({ reason: 'buffer_full' }, r.dropped);
        droppedWhileFull += r.dropped;
        if (fullSince === undefined) {
          fullSince = now;
          log.error({ maxBufferEvents: o.maxBufferEvents }, 'BUFFER FULL: dropping state, analog and alarm events (counters are held back, not dropped) until JetStream takes events again');
        }
      } else if (fullSince !== undefined && journal.hasRoom(1)) {
        log.error({ dropped: droppedWhileFull, fullForMs: now - fullSince }, 'buffer has room again; events were dropped while it was full');
        fullSince = undefined;
        droppedWhileFull = 0;
      }
      if (r.written > 0) publisher.notify();
    }
    for (const k of Object.keys(changes) as MachineEventKind[]) {
      if (changes[k] > 0) metrics.changes.inc({ kind: k }, changes[k]);
      if (eventsIn[k] > 0) metrics.eventsIn.inc({ kind: k }, eventsIn[k]);
      changes[k] = 0;
      eventsIn[k] = 0;
    }
    metrics.bufferDepth.set(journal.depthEvents);
    if (journal.syncError) {
      log.error({ err: journal.syncError }, 'buffer: journal fsync failed; events are in the page cache but may not survive a power cut');
      journal.syncError = undefined;
    }
    if (journal.fsyncSeconds > 0) {
      metrics.journalFsyncSeconds.inc(journal.fsyncSeconds);
      journal.fsyncSeconds = 0;
    }
    for (const e of endpoints) {
      const skew = e.clockSkewMs();
      if (skew !== undefined) metrics.clockSkew.set({ endpoint: e.name }, skew / 1_000);
    }
  };
  const timer = setInterval(tick, o.tickMs ?? 50);

  return {
    metrics,
    journal,
    /** Waits until every event produced so far is stored by JetStream (or the timeout passed). */
    drained: async (timeoutMs: number) => {
      tick();
      return publisher.drained(timeoutMs);
    },
    stop: async () => {
      await Promise.all(endpoints.map((e) => e.stop()));
      clearInterval(timer);
      // Counter windows still open are written now, so a restart neither loses nor repeats their pieces.
      for (const p of pipelines) handle(p.flushCounter());
      tick();
      await publisher.drained(2_000);
      await publisher.stop();
      await journal.close();
    },
  };
}
export type Gateway = ReturnType<typeof startGateway>;
