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
  const existing = await jsm.streams.info(def.name).catch((err: unknown) => {
    if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) return undefined;
    throw err;
  });
  try {
    if (!existing) await jsm.streams.add(cfg);
    else {
      // JetStream refuses to scale and re-place a stream in one update ("can not move and scale a stream in a single
      // update"): replicas first, then the placement, which moves nothing when the stream's servers carry the tags.
      const { placement, ...rest } = cfg;
      await updateOnceSettled(jsm, def.name, rest);
      if (placement && !sameTags(existing.config.placement?.tags, placement.tags)) await updateOnceSettled(jsm, def.name, { placement });
    }
  } catch (err) {
    throw new Error(`JetStream refused stream ${def.name} with ${describeLayout(layout)}: ${(err as Error).message}`, { cause: err });
  }
}

/** "stream reconfiguration already in progress": a scale or move still running (nats-server server/errors.json). */
const STREAM_RECONFIGURING = 10226;
/** How long a change waits for one still running: a scale-up copies the stream to the new replicas first. */
const RECONFIGURE_WAIT_MS = 60_000;

/** Updates the stream, waiting while an earlier scale or move of it (this start's or another process's) runs. */
async function updateOnceSettled(jsm: JetStreamManager, name: string, cfg: Partial<StreamConfig>): Promise<void> {
  const deadline = Date.now() + RECONFIGURE_WAIT_MS;
  for (;;) {
    try {
      await jsm.streams.update(name, cfg);
      return;
    } catch (err) {
      if (!(err instanceof JetStreamApiError && err.code === STREAM_RECONFIGURING) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

const sameTags = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
  JSON.stringify([...(a ?? [])].sort()) === JSON.stringify([...(b ?? [])].sort());

async function ensureDurable(jsm: JetStreamManager, def: DurableDefinition): Promise<void> {
  const settings = { ack_wait: 30 * 1e9, max_ack_pending: def.maxAckPending };
  const existing = await jsm.consumers.info(def.stream, def.name).catch(() => undefined);
  // An older bound is brought up to date.
  if (!existing) await jsm.consumers.add(def.stream, { durable_name: def.name, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ...settings });
  else if (existing.config.max_ack_pending !== def.maxAckPending) await jsm.consumers.update(def.stream, def.name, settings);
}
