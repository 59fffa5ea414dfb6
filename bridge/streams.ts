import { AckPolicy, DeliverPolicy, type JetStreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { ERP_EVENTS_STREAM, ERP_LISTENER_DURABLE, ERP_RELEASE_SUBJECTS } from '../contracts/names.js';

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
  await jsm.consumers
    .info(ERP_EVENTS_STREAM, ERP_LISTENER_DURABLE)
    .catch(() =>
      jsm.consumers.add(ERP_EVENTS_STREAM, {
        durable_name: ERP_LISTENER_DURABLE,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: 30 * 1e9,
        max_ack_pending: 256,
      }),
    );
}

export const exceptionSubject = (site: string, stage: string) => `ops.${site}.exception.${stage}`;
