import { AckPolicy, DeliverPolicy, type JetStreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { DURABLES, STREAMS, type DurableDefinition, type StreamDefinition } from '../contracts/streams.js';

/**
 * Creates every stream and durable consumer the engine uses (contracts/streams.ts), or brings existing ones to their
 * definitions. Idempotent: every process runs it at start (edge gateway, signal bridge, ERP listener, the all-in-one
 * stack), so whichever starts first finds the stream it publishes to or consumes from.
 */
export async function provisionStreams(jsm: JetStreamManager): Promise<void> {
  for (const def of STREAMS) await ensureStream(jsm, def);
  for (const def of DURABLES) await ensureDurable(jsm, def);
}

/** Creates the stream, or brings an existing one to the definition (file storage, limits retention). */
async function ensureStream(jsm: JetStreamManager, def: StreamDefinition): Promise<void> {
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

async function ensureDurable(jsm: JetStreamManager, def: DurableDefinition): Promise<void> {
  const settings = { ack_wait: 30 * 1e9, max_ack_pending: def.maxAckPending };
  const existing = await jsm.consumers.info(def.stream, def.name).catch(() => undefined);
  // An older bound is brought up to date.
  if (!existing) await jsm.consumers.add(def.stream, { durable_name: def.name, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ...settings });
  else if (existing.config.max_ack_pending !== def.maxAckPending) await jsm.consumers.update(def.stream, def.name, settings);
}
