import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { exceptionSubject } from '../contracts/streams.js';
import { Token } from '../contracts/tokens.js';

/**
 * Publishes why a consumed message was not applied, with the message itself (first 10 kB), to
 * `ops.<site>.exception.<stage>`; the site is the subject's second token when it is a valid one.
 */
export async function publishMessageException(js: JetStreamClient, m: JsMsg, stage: string, reason: string): Promise<void> {
  const token = m.subject.split('.')[1] ?? '';
  const site = Token.safeParse(token).success ? token : 'unknown';
  await js.publish(exceptionSubject(site, stage), JSON.stringify({ subject: m.subject, seq: m.seq, reason, payload: m.string().slice(0, 10_000) }));
}
