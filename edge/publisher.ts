import type { JetStreamClient } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import type { Journal } from './buffer/journal.js';
import type { EdgeMetrics } from './metrics.js';

export interface PublisherOptions {
  js: JetStreamClient;
  journal: Journal;
  metrics: EdgeMetrics;
  log: Logger;
  /** Messages in flight at once; JetStream stores them in order because they share one connection. */
  window?: number;
  publishTimeoutMs?: number;
}

/**
 * Drains the journal to JetStream in order: publish a window, and only when all of it is acknowledged move the
 * cursor. A failure republishes the whole window after a backoff; the msgID makes the stream drop what it already
 * has. While NATS is away nothing leaves the journal, so nothing is lost.
 */
export function startPublisher(o: PublisherOptions) {
  let stopped = false;
  let wake: (() => void) | undefined;
  let backoffMs = 100;
  const windowSize = o.window ?? 64;
  const cursorTimer = setInterval(() => o.journal.flushCursor(), 200);

  const loop = (async () => {
    while (!stopped) {
      const entries = o.journal.peek(windowSize);
      if (entries.length === 0) {
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 100);
        });
        continue;
      }
      try {
        const acks = await Promise.all(
          entries.map((e) => o.js.publish(e.subject, e.data, { msgID: e.msgId, timeout: o.publishTimeoutMs ?? 5_000 })),
        );
        o.journal.ack(entries[entries.length - 1]!.seq);
        const events = entries.reduce((n, e) => n + e.events, 0);
        const dup = entries.reduce((n, e, i) => n + (acks[i]!.duplicate ? e.events : 0), 0);
        o.metrics.published.inc(events - dup);
        if (dup > 0) o.metrics.duplicates.inc(dup);
        o.metrics.natsUp.set(1);
        backoffMs = 100;
      } catch (err) {
        o.metrics.natsUp.set(0);
        o.metrics.publishErrors.inc();
        o.log.warn({ err: (err as Error).message, depth: o.journal.depthEvents, retryInMs: backoffMs }, 'JetStream publish failed; events stay in the buffer');
        await new Promise((r) => setTimeout(r, backoffMs));
        backoffMs = Math.min(backoffMs * 2, 5_000);
      }
      o.metrics.bufferDepth.set(o.journal.depthEvents);
    }
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
