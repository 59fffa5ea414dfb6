import type { ClientSession, ClientSubscription, StatusCode } from 'node-opcua';
import type { Logger } from 'pino';
import { gatewayClock } from '../clock.js';

/**
 * How long a subscription may stay silent (ms) before it is taken for dead: the server must answer a Publish at
 * least every `publishingInterval * maxKeepAliveCount` ms, with data or a keep-alive (Part 4, 5.13.1.1); twice
 * that plus a second allows one lost keep-alive and network delay. With the gateway's 20 ms x 20 that is 1.8 s.
 */
export const silenceLimitMs = (publishingIntervalMs: number, maxKeepAliveCount: number): number =>
  2 * publishingIntervalMs * maxKeepAliveCount + 1_000;

/** After a reconnection, node-opcua repairs the session and its subscription itself; it gets this long (ms). */
const REPAIR_GRACE_MS = 5_000;

export interface KeepSubscribedOptions {
  session: ClientSession;
  /** Creates the subscription with every monitored item (throws when the server refuses). */
  create(session: ClientSession): Promise<ClientSubscription>;
  log: Logger;
  /**
   * False from the moment the subscription is taken for dead, true again at the new one's first data or keep-alive.
   * Not called for the first subscription (live is the starting state).
   */
  onLive(live: boolean): void;
  /** A new subscription replaced a dead one. */
  onRecreated(reason: string): void;
}

/**
 * Keeps one live subscription on a live session. A server can drop a subscription while the session lives: it
 * answers Publish with BadNoSubscription (node-opcua then stops publishing, silently), sends a StatusChange
 * notification (BadTimeout when the lifetime count expired; Part 4, 5.13.1 and 7.20.4), or stops answering
 * (publish timeouts). The subscription's events and a silence watchdog on the gateway clock detect all three; the
 * dead one is deleted and a new one created with every monitored item, retried with a backoff of 500 ms doubling to
 * 5 s. Counters are absolute, so the first readings of the new subscription carry the pieces made meanwhile.
 * `pause`/`resume` suspend the watchdog while the connection is lost (node-opcua's own repair runs then).
 */
export function keepSubscribed(o: KeepSubscribedOptions) {
  let stopped = false;
  let current: ClientSubscription | undefined;
  let lastHeard = gatewayClock();
  let limitMs = silenceLimitMs(1_000, 20);
  let paused = false;
  let recreating = false;
  let timer: NodeJS.Timeout | undefined;

  /** False from a death until the new subscription's first data or keep-alive: live means data flows again. */
  let delivering = true;
  const heard = () => {
    lastHeard = gatewayClock();
    if (delivering) return;
    delivering = true;
    o.onLive(true);
  };

  const watch = (sub: ClientSubscription) => {
    current = sub;
    lastHeard = gatewayClock();
    limitMs = silenceLimitMs(sub.publishingInterval, sub.maxKeepAliveCount);
    sub.on('keepalive', heard);
    sub.on('received_notifications', heard);
    sub.on('terminated', () => dead(sub, 'terminated'));
    sub.on('status_changed', (status: StatusCode) => dead(sub, `status change ${status.name}`));
    sub.on('internal_error', (err: Error) => dead(sub, `internal error: ${err.message}`));
    clearInterval(timer);
    timer = setInterval(() => {
      if (!paused && gatewayClock() - lastHeard > limitMs) dead(sub, `no data or keep-alive for ${limitMs} ms`);
    }, Math.max(100, Math.floor(limitMs / 4)));
  };

  const dead = (sub: ClientSubscription, reason: string) => {
    if (stopped || recreating || sub !== current) return;
    recreating = true;
    clearInterval(timer);
    if (delivering) o.onLive(false);
    delivering = false;
    o.log.warn({ subscriptionId: sub.subscriptionId, reason }, 'OPC UA subscription died while the session lives; re-creating it');
    void (async () => {
      // Delete it on the server too, in case it still exists there (a no-op error when it does not).
      await sub.terminate().catch(() => undefined);
      let backoff = 500;
      while (!stopped) {
        try {
          const next = await o.create(o.session);
          if (stopped) {
            await next.terminate().catch(() => undefined);
            return;
          }
          recreating = false;
          watch(next);
          o.onRecreated(reason);
          o.log.info({ subscriptionId: next.subscriptionId }, 'OPC UA subscription re-created');
          return;
        } catch (err) {
          o.log.warn({ err: (err as Error).message, retryInMs: backoff }, 'OPC UA subscription could not be re-created yet');
          await new Promise((r) => setTimeout(r, backoff));
          backoff = Math.min(backoff * 2, 5_000);
        }
      }
    })();
  };

  return {
    /** The first subscription; throws like `create`. */
    start: async () => watch(await o.create(o.session)),
    /** Connection lost: silence is expected, node-opcua reconnects. */
    pause: () => {
      paused = true;
    },
    /** Connection back: node-opcua gets REPAIR_GRACE_MS to bring the subscription back before the watchdog judges. */
    resume: () => {
      paused = false;
      lastHeard = gatewayClock() + REPAIR_GRACE_MS;
    },
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
    /** Gateway time of the last data or keep-alive (never later than now): where a gap's evidence ends. */
    lastHeardAt: () => Math.min(lastHeard, gatewayClock()),
  };
}
