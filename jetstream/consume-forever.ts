import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';

export interface ConsumeForeverOptions {
  stream: string;
  durable: string;
  /** How many messages the client pulls ahead (JetStream `max_messages`). */
  maxMessages: number;
  /** Handles one message; the next one waits for it. A throw re-creates the consumer (unsettled messages come back). */
  onMessage: (m: JsMsg) => void | Promise<void>;
  log: Logger;
  /** Names the consumer in the log ("bridge consumer failed, re-creating"). */
  name: string;
  /** Pause before re-creating a consumer that failed. */
  retryDelayMs?: number;
}

/**
 * Consumes a durable until `stop()`: get the consumer, consume, and when consume() ends or fails (consumer or
 * connection gone) get it again. `done` settles once the loop has ended after `stop()`.
 */
export function consumeForever(js: JetStreamClient, o: ConsumeForeverOptions): { done: Promise<void>; stop(): void } {
  const retryDelayMs = o.retryDelayMs ?? 1_000;
  let stopping = false;
  let current: { stop(): void } | undefined;
  const done = (async () => {
    while (!stopping) {
      try {
        const consumer = await js.consumers.get(o.stream, o.durable);
        const messages = await consumer.consume({ max_messages: o.maxMessages });
        current = messages;
        // stop() may have come while the consumer was being created: it must not run on unseen.
        if (stopping) messages.stop();
        for await (const m of messages) await o.onMessage(m);
      } catch (err) {
        if (stopping) break;
        o.log.warn({ err }, `${o.name} consumer failed, re-creating`);
        await new Promise((r) => setTimeout(r, retryDelayMs));
      }
    }
  })();
  return {
    done,
    stop: () => {
      stopping = true;
      current?.stop();
    },
  };
}
