import { jetstream, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { z } from 'zod';
import { MachineEventMessage, machineEventSubject, type MachineEvent } from '../contracts/messages/machine-event.js';
import { parseJson } from '../contracts/parse.js';
import { MES_EVENTS_STREAM, SIGNAL_BRIDGE_DURABLE, SIGNAL_BRIDGE_MAX_ACK_PENDING } from '../contracts/streams.js';
import type { Db } from '../db/client.js';
import { commitRound } from '../db/event-outbox.js';
import type { UnassignedItem } from '../db/unassigned-production.js';
import { consumeForever } from '../jetstream/consume-forever.js';
import { traceContextOf } from '../jetstream/trace-headers.js';
import type { LineContextCache } from './context.js';
import { publishHoldException, publishMessageException, publishUnassignedExceptions } from './exceptions.js';
import type { BridgeMetrics } from './metrics.js';
import { OutboxRelay, type RelayOptions } from './relay.js';
import { planRound, roundEventIds } from './round.js';
import { applyIsolating } from './isolate.js';
import { routeEvents, type Routing } from './route.js';
import { startSeenRetention } from './seen-retention.js';

export interface BridgeOptions {
  /** Messages per round: the batching window closes when this many arrived or `windowMs` passed. */
  maxMessages?: number;
  windowMs?: number;
  /** Redelivery delay while PostgreSQL is unreachable. */
  retryDelayMs?: number;
  relay?: RelayOptions;
  /** How long event ids stay in `seen_events` (bridge/seen-retention.ts says why 8 days). */
  seenRetentionMs?: number;
  /** Test hook: runs right after a round's commit, before its acks and signals (the tests kill the process there). */
  afterCommit?: (round: number) => void;
}

export interface BridgeDeps {
  nc: NatsConnection;
  client: Client;
  db: Db;
  context: LineContextCache;
  metrics: BridgeMetrics;
  log: Logger;
  /**
   * Creates the streams and durables when missing (jetstream/provision.ts `provisionStreams`); called again when the
   * bridge's durable or the MES_EVENTS stream is found gone while running.
   */
  provision: () => Promise<void>;
}

/**
 * The signal bridge: JetStream durable consumer (shared by any number of bridge processes) -> context -> routing ->
 * one PostgreSQL transaction per round (new event ids marked seen, one outbox delta per workflow, unassigned
 * production, counter holds, per-machine counts) -> ack. Individual events never reach a workflow: the relay (relay.ts) sends each workflow its pending
 * deltas as one signal, independently of the consumer and of the other workflows. A round that cannot commit because
 * the database is away is nak-ed as a whole and comes back; a redelivery of a committed round finds its ids seen and
 * adds only duplicates. A round whose data the database refuses is split until the message at fault is found, and
 * that message is parked on `ops.<site>.exception.signal-bridge` and terminated (bridge/isolate.ts); so is a message
 * whose line is not its machine's (bridge/route.ts `lineMismatch`).
 */
export function startSignalBridge(deps: BridgeDeps, opts: BridgeOptions = {}) {
  const { nc, client, db, context, metrics, log, provision } = deps;
  const maxMessages = opts.maxMessages ?? SIGNAL_BRIDGE_MAX_ACK_PENDING;
  // Short: a round is one transaction now, and the relay batches what accumulates while a signal is in flight.
  const windowMs = opts.windowMs ?? 25;
  const retryDelayMs = opts.retryDelayMs ?? 2_000;
  const js: JetStreamClient = jetstream(nc);
  let stopping = false;
  let rounds = 0;
  const tracer = trace.getTracer('mes-signal-bridge');
  /** Each message's span while its round runs: a child of the gateway's publish span (its `traceparent` header). */
  const spans = new Map<JsMsg, Span>();
  const failSpan = (m: JsMsg, reason: string) => spans.get(m)?.setStatus({ code: SpanStatusCode.ERROR, message: reason.slice(0, 200) });

  /** One exception per line, machine and reason: each site's operators read their own `ops.<site>.exception.*`. */
  const announce = (items: UnassignedItem[]) => publishUnassignedExceptions(js, items);
  const relay = new OutboxRelay({ db, client, metrics, log, announceUnassigned: (_site, items) => announce(items) }, opts.relay);
  relay.start();
  const retention = startSeenRetention(db, log, opts.seenRetentionMs);

  async function reject(m: JsMsg, reason: string, settled: Set<number>, i: number): Promise<void> {
    settled.add(i);
    failSpan(m, reason);
    metrics.malformed.inc();
    log.warn({ subject: m.subject, seq: m.seq, reason }, 'malformed machine event message terminated');
    await publishMessageException(js, m, 'signal-bridge', reason);
    m.term(reason.slice(0, 200));
  }

  /**
   * A message that can never be applied for a reason of its own (its line is not its machine's; the database refuses
   * its data): published as an exception with its whole payload, then terminated, so it neither comes back every
   * `retryDelayMs` nor takes down the rounds it would land in. Should the exception not go out, it is redelivered.
   */
  async function park(m: JsMsg, reason: string): Promise<void> {
    try {
      await publishMessageException(js, m, 'signal-bridge', reason, Infinity);
    } catch (err) {
      log.warn({ err, subject: m.subject, seq: m.seq }, 'could not publish a parked message\'s exception, will redeliver');
      metrics.redelivered.inc();
      m.nak(retryDelayMs);
      return;
    }
    metrics.parked.inc();
    failSpan(m, reason);
    log.warn({ subject: m.subject, seq: m.seq, reason }, 'machine event message parked as an exception and terminated');
    m.term(reason.slice(0, 200));
  }

  /** One transaction for a routed round or part of one: seen ids, outbox, unassigned, holds, machine counts; then metrics. */
  async function commit(routing: Routing, msgs: JsMsg[]): Promise<string[]> {
    const stop = metrics.roundSeconds.startTimer();
    const { built, rows } = await commitRound(db, roundEventIds(routing), (fresh) => planRound(routing, fresh), async (plan) => {
      await announce(plan.unassigned);
      for (const h of plan.holds) await publishHoldException(js, h);
    });
    stop();
    for (const [reason, n] of Object.entries(routing.ignored)) metrics.ignored.inc({ reason }, n);
    metrics.routed.inc({ target: 'work-order' }, built.routed['work-order']);
    metrics.routed.inc({ target: 'shift' }, built.routed.shift);
    metrics.duplicates.inc(built.duplicates);
    for (const u of built.unassigned) metrics.unassigned.inc({ reason: u.reason });
    for (const h of built.holds) metrics.counterHolds.inc({ reason: h.hold.reason });
    opts.afterCommit?.(++rounds);
    // The relay signals these rows later, perhaps summed with others: it continues their messages' traces.
    for (const { workflowId } of rows) {
      const group = routing.orders.get(workflowId) ?? routing.shifts.get(workflowId);
      const traces = [...(group?.messages ?? [])].flatMap((i) => spans.get(msgs[i]!)?.spanContext() ?? []);
      relay.traces.add(workflowId, traces);
    }
    return rows.map((r) => r.workflowId);
  }

  /** A round in which each message has its span, ended when the round has settled every message. */
  async function tracedRound(msgs: JsMsg[]): Promise<void> {
    for (const m of msgs) {
      spans.set(m, tracer.startSpan(`process ${m.subject}`, {
        kind: SpanKind.CONSUMER,
        attributes: { 'messaging.system': 'nats', 'messaging.destination.name': m.subject, 'mes.stream.seq': m.seq, 'mes.redelivered': m.redelivered, 'mes.round.messages': msgs.length },
      }, traceContextOf(m.headers)));
    }
    try {
      await processRound(msgs);
    } finally {
      for (const m of msgs) {
        spans.get(m)?.end();
        spans.delete(m);
      }
    }
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
    const redeliver = (which: Iterable<number>) => {
      for (const i of which) {
        metrics.redelivered.inc();
        msgs[i]!.nak(retryDelayMs);
      }
    };
    let lookup: Awaited<ReturnType<LineContextCache['resolve']>>;
    let routing: Routing;
    try {
      lookup = await context.resolve(items.map(({ event }) => [event.site, event.machine] as [string, string]));
      routing = routeEvents(items, lookup);
    } catch (err) {
      // The context comes from PostgreSQL (and routing from it): nothing of this round was written, all of it comes back.
      log.warn({ err }, 'bridge round failed to resolve its context, will redeliver');
      redeliver([...msgs.keys()].filter((i) => !settled.has(i)));
      return;
    }
    // A message's events share its subject (site, line, machine), so a misrouted event makes its whole message so.
    const misrouted = new Map(routing.misrouted.map((x) => [x.message, x.reason]));
    for (const [i, reason] of misrouted) {
      settled.add(i);
      await park(msgs[i]!, `${msgs[i]!.subject}: ${reason}`);
    }
    const pending = [...new Set(items.map((x) => x.message))].filter((i) => !settled.has(i));
    const touched: string[] = [];
    // The whole round first, with the routing already made (misrouted events are in none of its groups); only when its
    // data fails, smaller parts, each routed anew (bridge/isolate.ts).
    const result = await applyIsolating(pending, async (part) => {
      const wanted = new Set(part);
      const r = part.length === pending.length ? routing : routeEvents(items.filter((x) => wanted.has(x.message)), lookup);
      touched.push(...(await commit(r, msgs)));
    });
    if (result.retry.length > 0) log.warn({ err: result.retryError }, 'bridge round failed, will redeliver');
    redeliver(result.retry);
    for (const { message, error } of result.parked) {
      const e = error as { message?: string; code?: string; table?: string; column?: string };
      const where = [e.table, e.column].filter(Boolean).join('.');
      await park(msgs[message]!, `${msgs[message]!.subject}: PostgreSQL refused its data${where ? ` (${where})` : ''}: ${e.message ?? String(error)} [SQLSTATE ${e.code}]`);
    }
    // Every message is settled now: rejected or parked above, or applied, parked or nak-ed by its part (a message that
    // parsed has at least one event, so it is in `pending` unless it was settled).
    for (const i of result.applied) msgs[i]!.ack();
    relay.notify(touched);
  }

  // Rounds: the first message opens a window; it closes after `windowMs` or at `maxMessages`, and the round's
  // events are committed as one delta per workflow. The durable's max_ack_pending bounds what is in flight.
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
    provision,
    onRecreated: (reason) => metrics.consumerRecreated.inc({ reason }),
    log,
    name: 'bridge',
  });
  const processing = (async () => {
    while (!stopping) {
      if (queue.length === 0) await waitFor(250);
      if (queue.length === 0) continue;
      if (queue.length < maxMessages) await waitFor(windowMs);
      const round = queue.splice(0, maxMessages);
      if (round.length > 0) await tracedRound(round);
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
      retention.stop();
      feeding.stop();
      nudge();
      await done;
      // Whatever was fetched but not processed goes back at once rather than after ack_wait.
      for (const m of queue.splice(0)) m.nak();
      await relay.stop();
    },
  };
}
