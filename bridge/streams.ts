import { AckPolicy, DeliverPolicy, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { MES_EVENTS_STREAM } from '../contracts/messages/machine-event.js';
import { ERP_EVENTS_STREAM, ERP_LISTENER_DURABLE } from '../contracts/names.js';
import { ERP_EVENTS, MES_EVENTS, OPS_EXCEPTIONS } from '../contracts/streams.js';
import { Token } from '../contracts/tokens.js';
import { ensureStream } from '../jetstream/ensure-stream.js';

export const SIGNAL_BRIDGE_DURABLE = 'signal-bridge';
export const SIGNAL_BRIDGE_MAX_ACK_PENDING = 64;

export const OPS_STREAM = OPS_EXCEPTIONS.name;

/** Creates the streams and durable consumers this release needs; safe to run from every process at start. */
export async function provisionStreams(jsm: JetStreamManager): Promise<void> {
  for (const def of [ERP_EVENTS, OPS_EXCEPTIONS, MES_EVENTS]) await ensureStream(jsm, def);
  const ensureDurable = async (stream: string, durable: string, maxAckPending: number) => {
    const settings = { ack_wait: 30 * 1e9, max_ack_pending: maxAckPending };
    const existing = await jsm.consumers.info(stream, durable).catch(() => undefined);
    // The bound on messages in flight across every process sharing the durable; an older bound is brought up to date.
    if (!existing) await jsm.consumers.add(stream, { durable_name: durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ...settings });
    else if (existing.config.max_ack_pending !== maxAckPending) await jsm.consumers.update(stream, durable, settings);
  };
  await ensureDurable(ERP_EVENTS_STREAM, ERP_LISTENER_DURABLE, 256);
  // 64 messages of at most 500 events: the farthest a redelivery can reach back (32,000 events) stays inside the
  // workflows' dedupe window (workflows/seen-ids.ts), and a round is processed well within ack_wait.
  await ensureDurable(MES_EVENTS_STREAM, SIGNAL_BRIDGE_DURABLE, SIGNAL_BRIDGE_MAX_ACK_PENDING);
}

export const exceptionSubject = (site: string, stage: string) => `ops.${site}.exception.${stage}`;

/**
 * Publishes why a consumed message was not applied, with the message itself (first 10 kB), to
 * `ops.<site>.exception.<stage>`; the site is the subject's second token when it is a valid one.
 */
export async function publishMessageException(js: JetStreamClient, m: JsMsg, stage: string, reason: string): Promise<void> {
  const token = m.subject.split('.')[1] ?? '';
  const site = Token.safeParse(token).success ? token : 'unknown';
  await js.publish(exceptionSubject(site, stage), JSON.stringify({ subject: m.subject, seq: m.seq, reason, payload: m.string().slice(0, 10_000) }));
}
