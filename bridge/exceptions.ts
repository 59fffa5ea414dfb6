import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { exceptionSubject } from '../contracts/streams.js';
import { Token } from '../contracts/tokens.js';
import type { HoldRecord } from '../db/counter-holds.js';

/**
 * Publishes why a consumed message was not applied, with the message itself, to `ops.<site>.exception.<stage>`; the
 * site is the subject's second token when it is a valid one. A malformed message is shown by its first 10 kB
 * (`payloadChars`); a valid one that is parked (bridge/signal-bridge.ts) travels whole, since the exception is then the
 * only copy of production the contract accepted, from which a person can publish it again.
 */
export async function publishMessageException(js: JetStreamClient, m: JsMsg, stage: string, reason: string, payloadChars = 10_000): Promise<void> {
  const token = m.subject.split('.')[1] ?? '';
  const site = Token.safeParse(token).success ? token : 'unknown';
  await js.publish(exceptionSubject(site, stage), JSON.stringify({ subject: m.subject, seq: m.seq, reason, payload: m.string().slice(0, payloadChars) }));
}

/**
 * Tells the site's people about a counter hold on `ops.<site>.exception.counter-hold`: the readings the edge refused
 * to count, the pieces they would mean, the order in context, and where to decide. Nothing of it was counted.
 */
export async function publishHoldException(js: JetStreamClient, h: HoldRecord): Promise<void> {
  const e = h.hold;
  const decide = `POST /production/holds/${encodeURIComponent(e.eventId)}/accept or /reject`;
  await js.publish(
    exceptionSubject(e.site, 'counter-hold'),
    JSON.stringify({
      hold: {
        eventId: e.eventId, site: e.site, line: e.line, machine: e.machine, tag: e.tag, counter: e.counter, reason: e.reason,
        delta: e.delta, limit: e.limit ?? null, elapsedMs: e.elapsedMs, raw: e.raw, readings: e.readings, sourceTime: e.sourceTime,
        countingPoint: h.countingPoint, order: h.order,
      },
      reason: `${e.machine} ${e.tag}: ${e.delta} ${e.counter} pieces held (${e.reason}${e.limit === undefined ? '' : `, limit ${e.limit} in ${e.elapsedMs} ms`}), not counted until a person accepts them`,
      decide,
    }),
    // A redelivered round publishes again; the stream keeps one per hold.
    { msgID: `counter-hold:${e.eventId}` },
  );
}
