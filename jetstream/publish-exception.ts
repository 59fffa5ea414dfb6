import type { JetStreamClient } from '@nats-io/jetstream';
import { ExceptionMessage } from '../contracts/messages/exception.js';
import { parseOrThrow } from '../contracts/parse.js';
import { exceptionSubject } from '../contracts/streams.js';
import { contentMsgId } from './content-msg-id.js';

/**
 * Publishes one exception (contracts/messages/exception.ts) to `ops.<site>.exception.<stage>`, checked by the same
 * schema the inbox parses it with. `legacy`: the fields the stream carried before the inbox (`unassigned`, `hold`,
 * `payload`, ...), kept for its older readers; the exception's own fields win.
 * The JetStream msgID is the occurrence's (place, cause key, occurrence): the same occurrence published again (two
 * copies of a process reporting one thing, a redelivered message, a check finding the same posting) is stored once
 * within the stream's duplicate window, as the inbox would count it once anyway.
 * @throws InvalidInput naming the bad field (a producer's bug, not the input's).
 */
export async function publishException(js: JetStreamClient, e: ExceptionMessage, legacy: Record<string, unknown> = {}): Promise<void> {
  const m = parseOrThrow(ExceptionMessage, e, `exception ${e.kind} from ${e.stage}`);
  const msgID = contentMsgId(`exception:${m.site}:${m.stage}`, JSON.stringify([m.line, m.causeKey, m.occurrence]));
  await js.publish(exceptionSubject(m.site, m.stage), JSON.stringify({ ...legacy, ...m }), { msgID });
}

/** The current time as an exception's `occurredAt` when the producer has no time of its own. */
export const nowIso = (): string => new Date().toISOString();
