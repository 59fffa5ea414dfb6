import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jetstream, jetstreamManager, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchMsgId, machineEventSubject, MachineEventMessage } from '../../contracts/messages/machine-event.js';
import { DURABLES, MES_EVENTS_STREAM, SIGNAL_BRIDGE_DURABLE, STREAMS, type StreamLayout } from '../../contracts/streams.js';
import { Journal } from '../../edge/buffer/journal.js';
import { createEdgeMetrics, total } from '../../edge/metrics.js';
import { startPublisher } from '../../edge/publisher.js';
import { consumeForever } from '../../jetstream/consume-forever.js';
import { provisionStreams } from '../../jetstream/provision.js';
import { startNatsCluster, type NatsCluster } from '../../stack/nats-cluster/index.js';
import { connectNats, natsSettingsOf } from '../../workers/wiring/nats.js';
import { waitFor } from '../helpers/edge.js';
import { goodCounts } from '../helpers/machine-events.js';
import { messagesOnNode, moveConsumerLeader, moveStreamLeader, peersOf } from '../helpers/nats-cluster.js';

const log = pino({ level: process.env.MES_TEST_LOG ?? 'silent' });
// Every node carries the tag and the streams ask for it: placement by tag, as MES_NATS_PLACEMENT_TAGS configures it.
const TAGS = ['site:plant1'];
const EVENTS_PER_BATCH = 10;

let dir: string;
let cluster: NatsCluster | undefined;
let nc: NatsConnection | undefined;
let jsm: JetStreamManager;
let layout: StreamLayout;
let stopEdge: (() => Promise<void>) | undefined;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mes-nats-cluster-'));
  cluster = await startNatsCluster({ dataDir: dir, tags: TAGS });
  console.info(`three NATS nodes up with a meta leader in ${cluster.startupMs} ms`);
  const settings = { ...natsSettingsOf(cluster), streams: { replicas: cluster.replicas, placementTags: TAGS } };
  layout = settings.streams;
  nc = await connectNats(settings, 'nats-cluster-test');
  jsm = await jetstreamManager(nc);
});

afterAll(async () => {
  try {
    await stopEdge?.();
    await nc?.close();
    await cluster?.stop();
    expect(cluster?.nodes.filter((n) => !n.exited()).map((n) => n.plan.name) ?? []).toEqual([]);
  } finally {
    // A failed assertion above must not leave processes: kill() is a no-op on the ones gone.
    await Promise.all(cluster?.nodes.map((n) => n.kill()) ?? []);
    await rm(dir, { recursive: true, force: true });
  }
});

describe('NATS JetStream as a three-node cluster', () => {
  it('lists every node in the URL, elects one meta leader, and refuses a placement no server carries', async () => {
    const c = cluster!;
    expect(c.urls).toHaveLength(3);
    expect(c.url.split(',')).toEqual(c.urls);
    expect(new Set(c.nodes.map((n) => n.process().pid)).size).toBe(3);
    expect(c.nodes.map((n) => n.plan.name)).toContain(await c.metaLeader());
    await expect(provisionStreams(jsm, { replicas: 3, placementTags: ['site:nowhere'] })).rejects.toThrow(
      /JetStream refused stream ERP_EVENTS with 3 replicas, placement tags site:nowhere/,
    );
  });

  it("the project's provisioning keeps three replicas of every stream on the three nodes, and a start without the setting keeps them", async () => {
    // Created as a single server would (no layout: one replica), then brought to the cluster's layout, then
    // provisioned again by a process that has no MES_NATS_REPLICAS: that one must not scale the streams down.
    await provisionStreams(jsm);
    expect((await jsm.streams.info(MES_EVENTS_STREAM)).config.num_replicas).toBe(1);
    await provisionStreams(jsm, layout);
    await provisionStreams(jsm);
    for (const def of STREAMS) {
      const info = await waitForCurrent(def.name);
      expect(info.config.num_replicas).toBe(3);
      expect(info.config.placement?.tags).toEqual(TAGS);
      expect(peersOf(info)).toEqual(['n1', 'n2', 'n3']);
    }
    for (const d of DURABLES) {
      const info = await jsm.consumers.info(d.stream, d.name);
      // 0: the durable takes its stream's replicas.
      expect(info.config.num_replicas ?? 0).toBe(0);
      expect((info.cluster?.replicas ?? []).length + 1).toBe(3);
    }
  });

  it('loses no event when the node holding the client, the stream leader and the durable\'s leader is SIGKILLed mid-publish, and the node catches up after its restart', async () => {
    const c = cluster!;
    const conn = nc!;
    const js = jetstream(conn);
    // The edge gateway's own path: journal (store-and-forward) and publisher with msgID, on the all-URL connection.
    const journal = Journal.open({ dir: path.join(dir, 'edge-buffer'), maxEvents: 100_000, fsync: 'off' });
    const metrics = createEdgeMetrics();
    const publisher = startPublisher({ js, journal, metrics, log });
    const received = new Map<string, number>();
    // The signal bridge's consuming loop on its durable; ackAck so an ack lost in the failover comes back at once.
    const consumer = consumeForever(js, {
      stream: MES_EVENTS_STREAM,
      durable: SIGNAL_BRIDGE_DURABLE,
      maxMessages: 64,
      name: 'cluster-test',
      log,
      retryDelayMs: 200,
      provision: () => provisionStreams(jsm, layout),
      onMessage: async (m: JsMsg) => {
        for (const e of MachineEventMessage.parse(m.json()).events) received.set(e.eventId, (received.get(e.eventId) ?? 0) + 1);
        await m.ackAck({ timeout: 2_000 });
      },
    });
    stopEdge = async () => {
      consumer.stop();
      await consumer.done;
      await publisher.stop();
      await journal.close();
    };
    let published: string[] = [];
    const publish = (phase: string, batches: number) => {
      const events = goodCounts({ line: 'line-1', machine: 'press-1', n: batches * EVENTS_PER_BATCH, startMs: Date.parse('2026-01-05T06:00:00Z'), prefix: phase });
      for (let i = 0; i < events.length; i += EVENTS_PER_BATCH) {
        const batch = MachineEventMessage.parse({ v: 1, events: events.slice(i, i + EVENTS_PER_BATCH) });
        journal.append(machineEventSubject(batch.events[0]!), batchMsgId(batch), JSON.stringify(batch), batch.events.length, {});
      }
      publisher.notify();
      published = [...published, ...events.map((e) => e.eventId)];
    };
    const allReceived = () => waitFor(`all ${published.length} events consumed`, () => published.every((id) => received.has(id)), 60_000);

    publish('before', 20);
    await allReceived();
    const victimName = conn.info!.server_name;
    const victim = c.nodes.find((n) => n.plan.name === victimName)!;
    // The worst node to lose: the client's server, the stream's leader and the durable's leader at once.
    await moveStreamLeader(conn, jsm, MES_EVENTS_STREAM, victimName);
    await moveConsumerLeader(conn, jsm, MES_EVENTS_STREAM, SIGNAL_BRIDGE_DURABLE, victimName);

    publish('during', 20);
    await victim.kill();
    const tKill = performance.now();
    publish('after', 20);
    await allReceived();
    expect(await publisher.drained(10_000)).toBe(true);
    console.info(
      `${published.length} events consumed ${Math.round(performance.now() - tKill)} ms after SIGKILL of ${victimName}; ` +
        `${await total(metrics.publishErrors)} publish windows failed and were sent again, ${await total(metrics.duplicates)} events found already stored`,
    );

    const down = await jsm.streams.info(MES_EVENTS_STREAM);
    expect(down.state.messages).toBe(60); // 60 batches, each stored once: the retries' msgIDs were dropped as duplicates
    expect(down.cluster?.leader).not.toBe(victimName);
    expect((await jsm.consumers.info(MES_EVENTS_STREAM, SIGNAL_BRIDGE_DURABLE)).cluster?.leader).not.toBe(victimName);
    // Still a peer of the stream (its replica waits for it), not current: it missed the batches sent since.
    expect(down.cluster?.replicas?.find((r) => r.name === victimName)).toMatchObject({ current: false });
    expect(conn.info!.server_name).not.toBe(victimName);
    expect(victim.exited()).toBe(true);

    await victim.restart();
    await waitForCurrent(MES_EVENTS_STREAM);
    await waitFor(`${victimName} to hold the 60 batches again`, async () => (await messagesOnNode(victim, MES_EVENTS_STREAM)) === 60, 30_000);
    publish('restarted', 10);
    await allReceived();
    expect(received.size).toBe(700);
    expect(published.filter((id) => !received.has(id))).toEqual([]);
    await waitFor('every event acknowledged', async () => {
      const info = await jsm.consumers.info(MES_EVENTS_STREAM, SIGNAL_BRIDGE_DURABLE);
      return info.num_pending === 0 && info.num_ack_pending === 0;
    });
    expect((await jsm.streams.info(MES_EVENTS_STREAM)).state.messages).toBe(70);
  });
});

/** Waits until every replica of the stream is current, and returns its info. */
async function waitForCurrent(stream: string) {
  let info = await jsm.streams.info(stream);
  await waitFor(`every replica of ${stream} to be current`, async () => {
    info = await jsm.streams.info(stream);
    const replicas = info.cluster?.replicas ?? [];
    return replicas.length === 2 && replicas.every((r) => r.current && !r.offline);
  }, 30_000);
  return info;
}
