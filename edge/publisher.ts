import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { traceHeaders } from '../jetstream/trace-headers.js';
import type { Logger } from 'pino';
import type { Journal, JournalEntry } from './buffer/journal.js';
import type { EdgeMetrics } from './metrics.js';

export interface PublisherOptions {
  js: JetStreamClient;
  journal: Journal;
  metrics: EdgeMetrics;
  log: Logger;
  /** Messages in flight at once (default 256); JetStream stores them in order because they share one connection. */
  window?: number;
  publishTimeoutMs?: number;
}

/** Ends a publish span with JetStream's answer: stored (or a duplicate it already had), or the failure. */
function endPublish(span: Span, outcome: PubAck | Error): void {
  if (outcome instanceof Error) span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.message });
  else span.setAttributes({ 'mes.stream.seq': outcome.seq, 'mes.duplicate': outcome.duplicate });
  span.end();
}

/**
 * Drains the journal to JetStream in order with a sliding window: up to `window` messages in flight, the cursor moves
 * as each head message is acknowledged, and the next one is sent at once. A failure drops the whole window and
 * republishes from the oldest unacknowledged message after a backoff; the msgID makes the stream drop what it already
 * has. While NATS is away nothing leaves the journal, so nothing is lost.
 */
export function startPublisher(o: PublisherOptions) {
  let stopped = false;
  let wake: (() => void) | undefined;
  let backoffMs = 100;
  const windowSize = o.window ?? 256;
  const cursorTimer = setInterval(() => o.journal.flushCursor(), 200);
  let inflight: Array<{ entry: JournalEntry; ack: Promise<PubAck> }> = [];
  const tracer = trace.getTracer('mes-edge-gateway');

  const send = (entry: JournalEntry) => {
    // Each message starts a trace of its own (docs/observability.md): the bridge, the workflow and the ERP posting
    // continue it from the `traceparent` header. A republish after a failure is a new publish span of a new trace.
    const span = tracer.startSpan(`publish ${entry.subject}`, {
      kind: SpanKind.PRODUCER,
      attributes: { 'messaging.system': 'nats', 'messaging.destination.name': entry.subject, 'messaging.message.id': entry.msgId, 'mes.events': entry.events },
    }, ROOT_CONTEXT);
    const h = traceHeaders(trace.setSpan(ROOT_CONTEXT, span));
    const ack = o.js.publish(entry.subject, entry.data, { msgID: entry.msgId, timeout: o.publishTimeoutMs ?? 2_000, ...(h ? { headers: h } : {}) });
    // Handled here so a rejection behind the head is not "unhandled"; the head's own await sees it.
    void ack.then((a) => endPublish(span, a), (err: Error) => endPublish(span, err));
    inflight.push({ entry, ack });
  };

  const loop = (async () => {
    while (!stopped) {
      for (const e of o.journal.peek(windowSize, inflight.length)) send(e);
      const head = inflight[0];
      if (!head) {
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 100);
        });
        continue;
      }
      try {
        const ack = await head.ack;
        inflight.shift();
        o.journal.ack(head.entry.seq);
        if (ack.duplicate) o.metrics.duplicates.inc(head.entry.events);
        else o.metrics.published.inc(head.entry.events);
        o.metrics.natsUp.set(1);
        backoffMs = 100;
      } catch (err) {
        await Promise.allSettled(inflight.map((f) => f.ack));
        inflight = [];
        o.metrics.natsUp.set(0);
        o.metrics.publishErrors.inc();
        o.log.warn({ err: (err as Error).message, depth: o.journal.depthEvents, retryInMs: backoffMs }, 'JetStream publish failed; events stay in the buffer');
        await new Promise((r) => setTimeout(r, backoffMs));
        backoffMs = Math.min(backoffMs * 2, 1_000);
      }
    }
    await Promise.allSettled(inflight.map((f) => f.ack));
  })();

  return {
    /** New entries are in the journal: skip the idle wait. */
    notify: () => wake?.(),
    /** Waits until the journal is empty or `timeoutMs` passed; used at stop and by tests. */
    drained: async (timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (o.journal.depthMessages > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      return o.journal.depthMessages === 0;
    },
    stop: async () => {
      stopped = true;
      wake?.();
      await loop;
      clearInterval(cursorTimer);
      o.journal.flushCursor();
    },
  };
}
