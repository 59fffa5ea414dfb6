import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  type Placement,
  RetentionPolicy,
  type StreamConfig,
  StorageType,
} from '@nats-io/jetstream';
import { DURABLES, STREAMS, type DurableDefinition, type StreamDefinition, type StreamLayout } from '../contracts/streams.js';

/**
 * Creates every stream and durable consumer the engine uses (contracts/streams.ts), or brings existing ones to their
 * definitions. Idempotent: every process runs it at start (edge gateway, signal bridge, ERP listener, the all-in-one
 * stack), so whichever starts first finds the stream it publishes to or consumes from.
 * `layout`: replicas and placement of every stream (MES_NATS_REPLICAS / MES_NATS_PLACEMENT_TAGS); an unset field leaves
 * an existing stream's as it is. Durables take their stream's replicas (consumer `num_replicas` 0).
 * @throws Error naming the stream and the layout asked for when the server refuses it (more replicas than servers,
 * no server with the tags, replicas above 1 on a server that is not clustered).
 */
export async function provisionStreams(jsm: JetStreamManager, layout: StreamLayout = {}): Promise<void> {
  for (const def of STREAMS) await ensureStream(jsm, def, layout);
  for (const def of DURABLES) await ensureDurable(jsm, def);
}

/**
 * The stream configuration the engine asks for: file storage, limits retention, the definition's age and dedupe
 * window, and only the layout fields that are set (JetStream's update merges into the stream's current config, so
 * an absent `num_replicas` keeps the replicas it has).
 */
export function streamConfig(def: StreamDefinition, layout: StreamLayout = {}): Partial<StreamConfig> & { name: string } {
  return {
    name: def.name,
    subjects: def.subjects,
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    max_age: def.maxAgeDays * 24 * 3600 * 1e9,
    duplicate_window: def.duplicateWindowMinutes * 60 * 1e9,
    ...(layout.replicas !== undefined ? { num_replicas: layout.replicas } : {}),
    // The server takes tags without a cluster name (any cluster whose servers carry them); the client's type asks for both.
    ...(layout.placementTags !== undefined ? { placement: { tags: [...layout.placementTags] } as Placement } : {}),
  };
}

const describeLayout = (l: StreamLayout) =>
  [l.replicas !== undefined ? `${l.replicas} replicas` : '', l.placementTags?.length ? `placement tags ${l.placementTags.join(',')}` : '']
    .filter(Boolean)
    .join(', ') || 'default layout';

/** Creates the stream, or brings an existing one to the definition. */
async function ensureStream(jsm: JetStreamManager, def: StreamDefinition, layout: StreamLayout): Promise<void> {
  const cfg = streamConfig(def, layout);
  const exists = await jsm.streams.info(def.name).then(
    () => true,
    (err: unknown) => {
      if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) return false;
      throw err;
    },
  );
  try {
    if (exists) await jsm.streams.update(def.name, cfg);
    else await jsm.streams.add(cfg);
  } catch (err) {
    throw new Error(`JetStream refused stream ${def.name} with ${describeLayout(layout)}: ${(err as Error).message}`, { cause: err });
  }
}

async function ensureDurable(jsm: JetStreamManager, def: DurableDefinition): Promise<void> {
  const settings = { ack_wait: 30 * 1e9, max_ack_pending: def.maxAckPending };
  const existing = await jsm.consumers.info(def.stream, def.name).catch(() => undefined);
  // An older bound is brought up to date.
  if (!existing) await jsm.consumers.add(def.stream, { durable_name: def.name, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ...settings });
  else if (existing.config.max_ack_pending !== def.maxAckPending) await jsm.consumers.update(def.stream, def.name, settings);
}
