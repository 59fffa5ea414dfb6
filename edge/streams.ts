import { type JetStreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { MACHINE_EVENT_SUBJECTS, MES_EVENTS_STREAM } from '../contracts/messages/machine-event.js';

/**
 * The machine-event stream, created or updated by the gateway at start (and by the bridge, which consumes it: keep
 * the two configurations identical, or each start flips the other's). The journal resends unacknowledged batches
 * after a restart and the stream drops what it has by msgID within the duplicate window; past it, consumers still
 * drop repeated event ids.
 */
export async function provisionMachineEventStream(jsm: JetStreamManager, opts: { maxAgeDays?: number; duplicateWindowMinutes?: number } = {}): Promise<void> {
  const cfg = {
    name: MES_EVENTS_STREAM,
    subjects: [MACHINE_EVENT_SUBJECTS],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    max_age: (opts.maxAgeDays ?? 7) * 24 * 3600 * 1e9,
    duplicate_window: (opts.duplicateWindowMinutes ?? 10) * 60 * 1e9,
  };
  try {
    await jsm.streams.info(MES_EVENTS_STREAM);
    await jsm.streams.update(MES_EVENTS_STREAM, cfg);
  } catch {
    await jsm.streams.add(cfg);
  }
}
