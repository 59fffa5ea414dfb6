import type { JetStreamManager, StreamInfo } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { NatsNode } from '../../stack/nats-cluster/index.js';
import { eventually } from './eventually.js';

/** The servers holding a stream: its leader and the peers `cluster.replicas` lists (which leaves the leader out). */
export const peersOf = (info: StreamInfo): string[] =>
  [info.cluster?.leader, ...(info.cluster?.replicas ?? []).map((r) => r.name)].filter((n): n is string => !!n).sort();

/**
 * Moves a stream's leadership to `server` with a leader step-down naming it as preferred (JetStream API
 * `$JS.API.STREAM.LEADER.STEPDOWN.<stream>` with `placement.preferred`, nats-server 2.11+), and waits until the stream
 * reports it. Nothing is sent when it already leads.
 */
export async function moveStreamLeader(nc: NatsConnection, jsm: JetStreamManager, stream: string, server: string): Promise<void> {
  if ((await jsm.streams.info(stream)).cluster?.leader === server) return;
  const reply = await nc.request(`$JS.API.STREAM.LEADER.STEPDOWN.${stream}`, JSON.stringify({ placement: { preferred: server } }), { timeout: 10_000 });
  const body = reply.json<{ success?: boolean; error?: { description: string } }>();
  if (!body.success) throw new Error(`step-down of ${stream} to ${server} refused: ${body.error?.description ?? JSON.stringify(body)}`);
  await eventually(async () => ((await jsm.streams.info(stream)).cluster?.leader === server ? true : undefined), `${server} to lead ${stream}`, 20_000);
}

/** How many messages `node` itself holds of `stream`, from its own monitoring endpoint (`/jsz`), not the leader's word. */
export async function messagesOnNode(node: NatsNode, stream: string): Promise<number | undefined> {
  const r = await fetch(`${node.monitorUrl}/jsz?accounts=true&streams=true`);
  const body = (await r.json()) as { account_details?: Array<{ stream_detail?: Array<{ name: string; state: { messages: number } }> }> };
  return body.account_details?.flatMap((a) => a.stream_detail ?? []).find((s) => s.name === stream)?.state.messages;
}
