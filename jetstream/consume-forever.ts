import { JetStreamApiCodes, JetStreamApiError, type Consumer, type ConsumerMessages, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';

/** Why the durable had to be created again: what the client or the server said about it. */
export type MissingReason = 'consumer-deleted' | 'consumer-not-found' | 'stream-not-found' | 'consumer-replaced';

export interface ConsumeForeverOptions {
  stream: string;
  durable: string;
  /** How many messages the client pulls ahead (JetStream `max_messages`). */
  maxMessages: number;
  /**
   * How long (ms) one pull request lives on the server (JetStream `expires`, at least 1,000; PULL_EXPIRES_MS by
   * default). A pull made to a consumer leader that then dies is answered by nobody: consuming stalls until it
   * expires, so a cluster's failover is as slow as this.
   */
  pullExpiresMs?: number;
  /** Handles one message; the next one waits for it. A throw re-creates the consumer (unsettled messages come back). */
  onMessage: (m: JsMsg) => void | Promise<void>;
  /**
   * Creates the stream and the durable when they are missing: the engine's one provisioning function
   * (jetstream/provision.ts `provisionStreams`), passed in so this module knows nothing of the processes above it.
   * Called when the durable or its stream is found gone; a throw (NATS away) is logged and retried after `retryDelayMs`.
   */
  provision: () => Promise<void>;
  /** Told after each successful re-creation (a metric); the loop also logs it with the running count. */
  onRecreated?: (reason: MissingReason) => void;
  log: Logger;
  /** Names the consumer in the log ("bridge consumer failed, re-creating"). */
  name: string;
  /** Pause before re-creating a consumer that failed. */
  retryDelayMs?: number;
  /**
   * How often (ms, default 5,000) the durable is looked up while consuming. A deleted consumer is reported by the
   * server at once (409), but a deleted stream only after two missed idle heartbeats (half the pull expiry each): the check finds it
   * within this interval, and also a durable that someone else deleted and created again meanwhile.
   */
  checkEveryMs?: number;
}

/**
 * 5 s instead of nats.js's 30 s: with the durable's leader SIGKILLed on a three-node cluster, consuming resumed
 * 30-38 s later with 30 s and 10-11 s later with 5 s (test/cluster/nats-cluster.test.ts); an idle consumer pays one
 * pull request per 5 s for it.
 */
export const PULL_EXPIRES_MS = 5_000;

/** The JetStream API's "stream not found" (10059) and "consumer not found" (10014); any other error is not. */
function isMissing(err: unknown): MissingReason | undefined {
  if (!(err instanceof JetStreamApiError)) return undefined;
  if (err.code === JetStreamApiCodes.StreamNotFound) return 'stream-not-found';
  return err.code === JetStreamApiCodes.ConsumerNotFound ? 'consumer-not-found' : undefined;
}

/**
 * Consumes a durable until `stop()`: get the consumer, consume, and when consume() ends or fails (consumer or
 * connection gone) get it again. A durable or stream that no longer exists (an operator's `nats consumer rm`, a stream
 * deleted and restored empty) is noticed from consume()'s status notifications (`consumer_deleted`,
 * `consumer_not_found`, `stream_not_found`), from `consumers.get` failing with the API's "consumer not found"
 * or "stream not found", or from the periodic check; then `provision()` creates what is missing and consuming goes on
 * with the new durable, which starts at the beginning of the stream (whatever it still holds is offered again, and
 * the consumer drops what it has already applied). `done` settles once the loop has ended after `stop()`.
 * `recreations()` counts the re-creations of this loop.
 */
export function consumeForever(js: JetStreamClient, o: ConsumeForeverOptions): { done: Promise<void>; stop(): void; recreations(): number } {
  const retryDelayMs = o.retryDelayMs ?? 1_000;
  const checkEveryMs = o.checkEveryMs ?? 5_000;
  let stopping = false;
  let recreations = 0;
  let current: ConsumerMessages | undefined;
  /** Set when the current consume() was stopped because its durable is gone; the loop provisions before going on. */
  let missing: MissingReason | undefined;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  const gone = (reason: MissingReason, messages?: ConsumerMessages) => {
    missing ??= reason;
    messages?.stop();
  };

  async function recreate(reason: MissingReason): Promise<void> {
    try {
      await o.provision();
    } catch (err) {
      o.log.warn({ err, stream: o.stream, durable: o.durable, reason }, `${o.name} consumer missing and could not be re-created, retrying`);
      await sleep(retryDelayMs);
      return;
    }
    missing = undefined;
    recreations += 1;
    o.log.warn({ stream: o.stream, durable: o.durable, reason, recreations }, `${o.name} consumer was gone (${reason}), provisioned it again`);
    o.onRecreated?.(reason);
  }

  /** Ends `messages` when the durable disappears: the server's notifications, and a look every `checkEveryMs`. */
  function watch(consumer: Consumer, messages: ConsumerMessages, created: string): () => void {
    void (async () => {
      for await (const s of messages.status()) {
        if (s.type === 'consumer_deleted') gone('consumer-deleted', messages);
        else if (s.type === 'consumer_not_found') gone('consumer-not-found', messages);
        else if (s.type === 'stream_not_found') gone('stream-not-found', messages);
      }
    })().catch(() => undefined);
    const timer = setInterval(() => {
      consumer.info().then(
        (i) => {
          // The same name created again by someone else (another process of ours, an operator): the pull requests
          // made to the old one are lost, so consume again.
          if (i.created !== created) gone('consumer-replaced', messages);
        },
        (err: unknown) => {
          const reason = isMissing(err);
          if (reason) gone(reason, messages);
        },
      );
    }, checkEveryMs);
    return () => clearInterval(timer);
  }

  const done = (async () => {
    while (!stopping) {
      if (missing) {
        await recreate(missing);
        continue;
      }
      let unwatch: (() => void) | undefined;
      try {
        const consumer = await js.consumers.get(o.stream, o.durable);
        const { created } = await consumer.info(true);
        const messages = await consumer.consume({ max_messages: o.maxMessages, expires: o.pullExpiresMs ?? PULL_EXPIRES_MS });
        current = messages;
        unwatch = watch(consumer, messages, created);
        // stop() may have come while the consumer was being created: it must not run on unseen.
        if (stopping) messages.stop();
        for await (const m of messages) await o.onMessage(m);
      } catch (err) {
        if (stopping) break;
        const reason = isMissing(err);
        if (reason) missing ??= reason;
        else {
          o.log.warn({ err }, `${o.name} consumer failed, re-creating`);
          await sleep(retryDelayMs);
        }
      } finally {
        unwatch?.();
      }
    }
  })();
  return {
    done,
    stop: () => {
      stopping = true;
      current?.stop();
    },
    recreations: () => recreations,
  };
}
