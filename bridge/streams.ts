import { AckPolicy, DeliverPolicy, type JetStreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { MACHINE_EVENT_SUBJECTS, MES_EVENTS_STREAM } from '../contracts/messages/machine-event.js';
import { ERP_EVENTS_STREAM, ERP_LISTENER_DURABLE, ERP_RELEASE_SUBJECTS } from '../contracts/names.js';

export const SIGNAL_BRIDGE_DURABLE = 'signal-bridge';
export const SIGNAL_BRIDGE_MAX_ACK_PENDING = 64;

export const OPS_STREAM = 'OPS_EXCEPTIONS';

/** Creates the streams and durable consumers this release needs; safe to run from every process at start. */
export async function provisionStreams(jsm: JetStreamManager): Promise<void> {
  const ensureStream = async (name: string, subjects: string[], maxAgeDays: number) => {
    const cfg = {
      name,
      subjects,
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      max_age: maxAgeDays * 24 * 3600 * 1e9,
      duplicate_window: 10 * 60 * 1e9,
    };
    try {
      await jsm.streams.info(name);
      await jsm.streams.update(name, cfg);
    } catch {
      await jsm.streams.add(cfg);
    }
  };
  await ensureStream(ERP_EVENTS_STREAM, [ERP_RELEASE_SUBJECTS], 30);
  await ensureStream(OPS_STREAM, ['ops.*.exception.*'], 30);
  await ensureStream(MES_EVENTS_STREAM, [MACHINE_EVENT_SUBJECTS], 7);
  const ensureDurable = (stream: string, durable: string, maxAckPending: number) =>
    jsm.consumers.info(stream, durable).catch(() =>
      jsm.consumers.add(stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: 30 * 1e9,
        // The bound on messages in flight across every process sharing the durable.
        max_ack_pending: maxAckPending,
      }),
    );
  await ensureDurable(ERP_EVENTS_STREAM, ERP_LISTENER_DURABLE, 256);
  // 64 messages of at most 500 events: the farthest a redelivery can reach back (32,000 events) stays inside the
  // workflows' dedupe window (workflows/seen-ids.ts), and a round is processed well within ack_wait.
  await ensureDurable(MES_EVENTS_STREAM, SIGNAL_BRIDGE_DURABLE, SIGNAL_BRIDGE_MAX_ACK_PENDING);
}

export const exceptionSubject = (site: string, stage: string) => `ops.${site}.exception.${stage}`;
