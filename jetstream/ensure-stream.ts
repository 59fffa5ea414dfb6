import { type JetStreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import type { StreamDefinition } from '../contracts/streams.js';

/** Creates the stream, or brings an existing one to the definition (file storage, limits retention). */
export async function ensureStream(jsm: JetStreamManager, def: StreamDefinition): Promise<void> {
  const cfg = {
    name: def.name,
    subjects: def.subjects,
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    max_age: def.maxAgeDays * 24 * 3600 * 1e9,
    duplicate_window: def.duplicateWindowMinutes * 60 * 1e9,
  };
  try {
    await jsm.streams.info(def.name);
    await jsm.streams.update(def.name, cfg);
  } catch {
    await jsm.streams.add(cfg);
  }
}
