import type { JetStreamManager, StreamInfo } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { NatsNode } from '../../stack/nats-cluster/index.js';
import { eventually } from './eventually.js';

/** The servers holding a stream: its leader and the peers `cluster.replicas` lists (which leaves the leader out). */
export const peersOf = (info: StreamInfo): string[] =>
  [info.cluster?.leader, ...(info.cluster?.replicas ?? []).map((r) => r.name)].filter((n): n is string => !!n).sort();

/**
 * Moves a stream's or a durable's leadership to `server` with a leader step-down naming it as preferred (JetStream
 * API `$JS.API.STREAM.LEADER.STEPDOWN.<stream>` / `$JS.API.CONSUMER.LEADER.STEPDOWN.<stream>.<durable>` with
 * `placement.preferred`, nats-server 2.11+), and waits until it reports it. Nothing is sent when it already leads.
 */
async function moveLeader(nc: NatsConnection, what: string, api: string, leader: () => Promise<string | undefined>, server: string): Promise<void> {
  if ((await leader()) === server) return;
  const reply = await nc.request(`$JS.API.${api}`, JSON.stringify({ placement: { preferred: server } }), { timeout: 10_000 });
  const body = reply.json<{ success?: boolean; error?: { description: string } }>();
  if (!body.success) throw new Error(`step-down of ${what} to ${server} refused: ${body.error?.description ?? JSON.stringify(body)}`);
  await eventually(async () => ((await leader()) === server ? true : undefined), `${server} to lead ${what}`, 20_000);
}

export const moveStreamLeader = (nc: NatsConnection, jsm: JetStreamManager, stream: string, server: string) =>
  moveLeader(nc, stream, `STREAM.LEADER.STEPDOWN.${stream}`, async () => (await jsm.streams.info(stream)).cluster?.leader, server);

export const moveConsumerLeader = (nc: NatsConnection, jsm: JetStreamManager, stream: string, durable: string, server: string) =>
  moveLeader(nc, `${stream}/${durable}`, `CONSUMER.LEADER.STEPDOWN.${stream}.${durable}`, async () => (await jsm.consumers.info(stream, durable)).cluster?.leader, server);

/** How many messages `node` itself holds of `stream`, from its own monitoring endpoint (`/jsz`), not the leader's word. */
export async function messagesOnNode(node: NatsNode, stream: string): Promise<number | undefined> {
  const r = await fetch(`${node.monitorUrl}/jsz?accounts=true&streams=true`);
  const body = (await r.json()) as { account_details?: Array<{ stream_detail?: Array<{ name: string; state: { messages: number } }> }> };
  return body.account_details?.flatMap((a) => a.stream_detail ?? []).find((s) => s.name === stream)?.state.messages;
}
