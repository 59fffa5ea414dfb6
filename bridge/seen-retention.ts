import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { pruneSeenEvents } from '../db/event-outbox.js';

/**
 * How long an event id stays in `seen_events`. It must exceed how far back a message can come again, or a late
 * redelivery would be counted twice:
 * - JetStream redelivers a message until it is acked, for as long as the stream keeps it: `MES_EVENTS` keeps
 *   messages 7 days (contracts/streams.ts, max_age), ack_wait 30 s, no max_deliver. A round acks only after its
 *   commit, but a bridge killed in between (or a lost ack) leaves a committed message to come back, at the latest
 *   when the stream drops it: 7 days after it was published, which is after its ids were written.
 * - The edge republishes from its disk journal what JetStream did not acknowledge to it; JetStream's msgID window
 *   (10 minutes) drops such a republish, this table one that comes later. Not covered: a gateway that published a
 *   batch, died before recording the ack and stays down longer than this window republishes ids already forgotten.
 * So 8 days: the stream's 7 days and a day of margin. Bounded: at 5,000 events/s that is 3.5 billion ids (about
 * 60 bytes of row and index each), so a site at such rates lowers the stream's max_age and this together.
 */
export const SEEN_EVENTS_RETENTION_MS = 8 * 24 * 3_600_000;
/** How often old ids are deleted; every bridge process does it, a repeat finds nothing to delete. */
export const SEEN_EVENTS_PRUNE_EVERY_MS = 10 * 60_000;

export function startSeenRetention(db: Db, log: Logger, retentionMs = SEEN_EVENTS_RETENTION_MS): { stop(): void } {
  const prune = () =>
    void pruneSeenEvents(db, retentionMs)
      .then((n) => n > 0 && log.info({ deleted: n, retentionMs }, 'old seen event ids deleted'))
      .catch((err: unknown) => log.warn({ err }, 'pruning seen event ids failed; next time'));
  const timer = setInterval(prune, SEEN_EVENTS_PRUNE_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
