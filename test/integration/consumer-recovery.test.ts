import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERP_EVENTS_STREAM, ERP_LISTENER_DURABLE, MES_EVENTS_STREAM, SIGNAL_BRIDGE_DURABLE } from '../../contracts/streams.js';
import { statusQuery } from '../../workflows/definitions.js';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { goodCounts, publishEvents } from '../helpers/machine-events.js';
import { releaseOrder } from '../helpers/release.js';

// Issue 11, item 8: an operator's `nats consumer rm`, or a stream deleted and restored empty, while the engine runs.
let engine: TestEngine;
let jsm: JetStreamManager;
beforeAll(async () => {
  engine = await startTestEngine();
  jsm = await jetstreamManager(engine.services.nc);
});
afterAll(async () => {
  await engine?.stop();
});

// Shifts close an hour after they end, so the production happens now (in whatever shift that is).
const T0 = Date.now() - 120_000;
/** 10 batches of 5 good-count events (1 piece each) of one machine, published as the edge gateway does. */
const publishTenBatches = (line: string, machine: string, prefix: string) =>
  publishEvents(engine.services.nc, goodCounts({ line, machine, n: 50, startMs: T0, stepMs: 100, prefix }), 5);
/** The bridge's re-creations so far, by reason (`mes_bridge_consumer_recreated_total`). */
const recreations = async (): Promise<Record<string, number>> =>
  Object.fromEntries((await engine.services.bridgeMetrics.consumerRecreated.get()).values.map((v) => [v.labels.reason, v.value]));

describe('consumers whose durable or stream disappears', () => {
  it("provisions the bridge's deleted durable again and applies all 10 batches published after the deletion", async () => {
    const h = await releaseOrder(engine, '4000001', 'line-1', '1000');
    await jsm.consumers.delete(MES_EVENTS_STREAM, SIGNAL_BRIDGE_DURABLE);
    await publishTenBatches('line-1', 'press-1', 'after-consumer-rm');
    const status = await eventually(async () => {
      const s = await h.query(statusQuery);
      return s.eventsApplied === 50 ? s : undefined;
    }, 'all 50 events of the 10 batches published after the durable was deleted applied to order 4000001', 60_000);
    expect(status.good).toBe(50);
    // The server tells the pulling client at once (409 consumer deleted).
    expect(await recreations()).toEqual({ 'consumer-deleted': 1 });
    expect((await jsm.consumers.info(MES_EVENTS_STREAM, SIGNAL_BRIDGE_DURABLE)).config.durable_name).toBe(SIGNAL_BRIDGE_DURABLE);
  });

  it("provisions the release listener's deleted durable again and starts the order released after the deletion", async () => {
    await jsm.consumers.delete(ERP_EVENTS_STREAM, ERP_LISTENER_DURABLE);
    // releaseOrder publishes the release and waits (bounded) for the work order to be released.
    const h = await releaseOrder(engine, '4000002', 'line-2', '500');
    expect((await h.query(statusQuery)).phase).toBe('released');
    expect((await jsm.consumers.info(ERP_EVENTS_STREAM, ERP_LISTENER_DURABLE)).config.durable_name).toBe(ERP_LISTENER_DURABLE);
  });

  it('consumes a stream that was deleted and created again empty, and applies what is published to it', async () => {
    const h = await releaseOrder(engine, '4000002', 'line-2', '500');
    const before = (await h.query(statusQuery)).eventsApplied;
    // The operator restores the stream with its definition, but not its durables.
    const { config } = await jsm.streams.info(MES_EVENTS_STREAM);
    await jsm.streams.delete(MES_EVENTS_STREAM);
    // The bridge may have provisioned the stream already (its check runs every 5 s): then it is there.
    await jsm.streams.add(config).catch(() => jsm.streams.info(MES_EVENTS_STREAM));
    await publishTenBatches('line-2', 'robot-1', 'after-stream-restore');
    const status = await eventually(async () => {
      const s = await h.query(statusQuery);
      return s.eventsApplied === before + 50 ? s : undefined;
    }, 'all 50 events published to the re-created stream applied to order 4000002', 60_000);
    expect(status.good).toBe(50);
    expect((await jsm.streams.info(MES_EVENTS_STREAM)).state.messages).toBe(10);
    // Deleting the stream deletes its durable: told at once (409) or found by the bridge's check, whichever is first.
    expect(Object.values(await recreations()).reduce((a, b) => a + b, 0)).toBe(2);
  });
});
