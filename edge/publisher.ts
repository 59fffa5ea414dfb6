import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
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

  const send = (entry: JournalEntry) => {
    const ack = o.js.publish(entry.subject, entry.data, { msgID: entry.msgId, timeout: o.publishTimeoutMs ?? 2_000 });
    // Handled here so a rejection behind the head is not "unhandled"; the head's own await sees it.
    ack.catch(() => undefined);
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
