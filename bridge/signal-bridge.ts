import { jetstream, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { z } from 'zod';
import { MachineEventMessage, machineEventSubject, type MachineEvent } from '../contracts/messages/machine-event.js';
import { parseJson } from '../contracts/parse.js';
import { exceptionSubject, MES_EVENTS_STREAM, SIGNAL_BRIDGE_DURABLE, SIGNAL_BRIDGE_MAX_ACK_PENDING } from '../contracts/streams.js';
import type { Db } from '../db/client.js';
import { consumeForever } from '../jetstream/consume-forever.js';
import type { LineContextCache } from './context.js';
import { deliverToOrder, deliverToShift } from './deliver.js';
import type { BridgeMetrics } from './metrics.js';
import { routeEvents } from './route.js';
import { publishMessageException } from './exceptions.js';
import { recordUnassigned } from '../db/unassigned-production.js';
import { toCount } from './route.js';

export interface BridgeOptions {
  /** Messages per round: the batching window closes when this many arrived or `windowMs` passed. */
  maxMessages?: number;
  windowMs?: number;
  /** Redelivery delay while Temporal or PostgreSQL is unreachable. */
  retryDelayMs?: number;
}

export interface BridgeDeps {
  nc: NatsConnection;
  client: Client;
  db: Db;
  context: LineContextCache;
  metrics: BridgeMetrics;
  log: Logger;
}

type Counter = Extract<MachineEvent, { kind: 'counter' }>;

/**
 * The signal bridge: JetStream durable consumer (shared by any number of bridge processes) -> context -> one signal
 * per workflow per round. A message is acked only after every workflow its events go to accepted them (or they were
 * recorded as unassigned); otherwise it is nak-ed and comes back, and the workflows drop the ids they already have.
 */
export function startSignalBridge(deps: BridgeDeps, opts: BridgeOptions = {}) {
  const { nc, client, db, context, metrics, log } = deps;
  const maxMessages = opts.maxMessages ?? SIGNAL_BRIDGE_MAX_ACK_PENDING;
  const windowMs = opts.windowMs ?? 100;
  const retryDelayMs = opts.retryDelayMs ?? 2_000;
  const js: JetStreamClient = jetstream(nc);
  let stopping = false;

  async function reject(m: JsMsg, reason: string, settled: Set<number>, i: number): Promise<void> {
    settled.add(i);
    metrics.malformed.inc();
    log.warn({ subject: m.subject, seq: m.seq, reason }, 'malformed machine event message terminated');
    await publishMessageException(js, m, 'signal-bridge', reason);
    m.term(reason.slice(0, 200));
  }

  async function processRound(msgs: JsMsg[]): Promise<void> {
    const items: Array<{ event: MachineEvent; message: number }> = [];
    const settled = new Set<number>();
    for (const [i, m] of msgs.entries()) {
      let raw: unknown;
      try {
        raw = parseJson(m.string(), m.subject);
      } catch (err) {
        await reject(m, (err as Error).message, settled, i);
        continue;
      }
      const r = MachineEventMessage.safeParse(raw);
      if (!r.success) {
        await reject(m, `${m.subject}: ${z.prettifyError(r.error).replaceAll('\n', ' ')}`, settled, i);
        continue;
      }
      if (machineEventSubject(r.data.events[0]!) !== m.subject) {
        await reject(m, `${m.subject}: events belong to ${machineEventSubject(r.data.events[0]!)}`, settled, i);
        continue;
      }
      for (const event of r.data.events) items.push({ event, message: i });
    }
    metrics.eventsIn.inc(items.length);
    const failed = new Set<number>();
    try {
      const lookup = await context.resolve(items.map(({ event }) => [event.site, event.machine] as [string, string]));
      const routing = routeEvents(items, lookup);
      metrics.ignored.inc(routing.ignored);
      const unassigned: Array<{ event: Counter; reason: string; message: number }> = routing.unassigned.map((u) => ({
        event: u.event as Counter,
        reason: u.reason,
        message: u.message,
      }));
      const groups = [
        ...[...routing.orders].map(([id, g]) => async () => {
          const r = await deliverToOrder(client, metrics, id, g.events);
          if (r === 'closed') {
            // The order finished while these were in flight: keep them for a planner, do not lose them.
            const ids = new Set(g.events.map((e) => e.eventId));
            for (const it of items) if (ids.has(it.event.eventId)) unassigned.push({ event: it.event as Counter, reason: 'order-closed', message: it.message });
          } else metrics.routed.inc({ target: 'work-order' }, g.events.length);
        }),
        ...[...routing.shifts].map(([id, g]) => async () => {
          const r = await deliverToShift(client, metrics, id, g.input, g.events);
          if (r === 'closed') log.warn({ workflowId: id, events: g.events.length }, 'events after the shift closed; counts still reach their order');
          else metrics.routed.inc({ target: 'shift' }, g.events.length);
        }),
      ];
      const results = await Promise.allSettled(groups.map((g) => g()));
      const groupMessages = [...[...routing.orders.values()].map((g) => g.messages), ...[...routing.shifts.values()].map((g) => g.messages)];
      results.forEach((r, i) => {
        if (r.status === 'rejected') {
          log.warn({ err: r.reason as Error }, 'signal not accepted, will redeliver');
          for (const m of groupMessages[i]!) failed.add(m);
        }
      });
      const toRecord = unassigned.filter((u) => !failed.has(u.message));
      if (toRecord.length > 0) {
        await recordUnassigned(db, toRecord.map((u) => ({ site: u.event.site, line: u.event.line, count: toCount(u.event), reason: u.reason })));
        for (const u of toRecord) metrics.unassigned.inc({ reason: u.reason });
        // One exception per site: each site's operators read their own `ops.<site>.exception.*`.
        const bySite = new Map<string, typeof toRecord>();
        for (const u of toRecord) bySite.set(u.event.site, [...(bySite.get(u.event.site) ?? []), u]);
        for (const [site, list] of bySite)
          await js.publish(exceptionSubject(site, 'signal-bridge'), JSON.stringify({ unassigned: list.map((u) => ({ eventId: u.event.eventId, machine: u.event.machine, reason: u.reason })) }));
      }
    } catch (err) {
      // Context or unassigned storage failed: nothing of this round is settled, all comes back.
      log.warn({ err }, 'bridge round failed, will redeliver');
      msgs.forEach((_, i) => failed.add(i));
    }
    msgs.forEach((m, i) => {
      if (settled.has(i)) return;
      if (failed.has(i)) {
        metrics.redelivered.inc();
        m.nak(retryDelayMs);
      } else m.ack();
    });
  }

  // Rounds: the first message opens a window; it closes after `windowMs` or at `maxMessages`, and the round's
  // events go out as one signal per workflow. The durable's max_ack_pending bounds what is in flight.
  const queue: JsMsg[] = [];
  let wake: (() => void) | undefined;
  const nudge = () => {
    wake?.();
    wake = undefined;
  };
  // Each wait clears its own timer, so a timer left from an earlier wait cannot end a later window early.
  const waitFor = (ms?: number) =>
    new Promise<void>((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(nudge, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const feeding = consumeForever(js, {
    stream: MES_EVENTS_STREAM,
    durable: SIGNAL_BRIDGE_DURABLE,
    maxMessages,
    onMessage: (m) => {
      queue.push(m);
      if (queue.length === 1 || queue.length >= maxMessages) nudge();
    },
    log,
    name: 'bridge',
  });
  const processing = (async () => {
    while (!stopping) {
      if (queue.length === 0) await waitFor(250);
      if (queue.length === 0) continue;
      if (queue.length < maxMessages) await waitFor(windowMs);
      const round = queue.splice(0, maxMessages);
      if (round.length > 0) await processRound(round);
    }
  })();
  const done = Promise.all([feeding.done, processing]).then(() => undefined);

  const lagTimer = setInterval(() => {
    void js.consumers
      .get(MES_EVENTS_STREAM, SIGNAL_BRIDGE_DURABLE)
      .then((c) => c.info(true))
      .then((i) => metrics.lag.set(i.num_pending))
      .catch(() => undefined);
  }, 5_000);

  return {
    done,
    stop: async () => {
      stopping = true;
      clearInterval(lagTimer);
      feeding.stop();
      nudge();
      await done;
      // Whatever was fetched but not processed goes back at once rather than after ack_wait.
      for (const m of queue.splice(0)) m.nak();
    },
  };
}
