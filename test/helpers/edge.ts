import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { clearLockedPorts } from 'get-port';
import pino from 'pino';
import { MachineEventMessage, type MachineEvent } from '../../contracts/messages/machine-event.js';
import { MES_EVENTS_STREAM } from '../../contracts/streams.js';
import { provisionStreams } from '../../jetstream/provision.js';
import { startNats, type NatsServer } from '../../stack/nats.js';
import { eventually } from './eventually.js';
import { connectNats } from '../../workers/wiring/nats.js';

export const edgeLog = pino({ level: process.env.MES_TEST_LOG ?? 'silent' });

export interface NatsRig {
  dir: string;
  nats: NatsServer;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** Stops nats-server, runs `whileDown`, and starts it again on the same port and data dir. */
  restartNats(whileDown: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

/** A real nats-server with MES_EVENTS on a fresh temp dir, and a client that reconnects forever. */
export async function startNatsRig(): Promise<NatsRig> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mes-edge-'));
  const natsDir = path.join(dir, 'nats');
  let nats = await startNats({ dataDir: natsDir });
  const nc = await connectNats({ url: nats.url, user: nats.user, password: nats.password }, 'edge-test');
  const jsm = await jetstreamManager(nc);
  await provisionStreams(jsm);
  const rig: NatsRig = {
    dir,
    nats,
    nc,
    js: jetstream(nc),
    jsm,
    restartNats: async (whileDown) => {
      const port = Number(new URL(nats.url).port);
      await nats.stop();
      await whileDown();
      // get-port keeps ports it handed out locked for a while; this one must come back as it was.
      clearLockedPorts();
      nats = await startNats({ dataDir: natsDir, port });
      if (nats.url !== `nats://127.0.0.1:${port}`) throw new Error(`nats came back on ${nats.url}, not port ${port}`);
      rig.nats = nats;
    },
    stop: async () => {
      await nc.close();
      await nats.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return rig;
}

/** Every event in MES_EVENTS, in stream order, parsed with the shared contract. */
export async function readMachineEvents(jsm: JetStreamManager): Promise<MachineEvent[]> {
  const info = await jsm.streams.info(MES_EVENTS_STREAM);
  const out: MachineEvent[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(MES_EVENTS_STREAM, { seq });
    if (m) out.push(...MachineEventMessage.parse(m.json()).events);
  }
  return out;
}

/** A boolean wait on top of `eventually` (engine.ts): true ends it, false keeps waiting. */
export async function waitFor(what: string, fn: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  await eventually(async () => ((await fn()) ? true : undefined), what, timeoutMs);
}

/** OPC UA readings of counter tags so far: each counter's first one is its baseline, so tests wait for them. */
export async function counterReadings(g: { metrics: { changes: { get(): Promise<{ values: Array<{ labels: Record<string, unknown>; value: number }> }> } } }): Promise<number> {
  return (await g.metrics.changes.get()).values.find((v) => v.labels.kind === 'counter')?.value ?? 0;
}

/**
 * The good and scrap pieces published so far (sum of counter deltas in MES_EVENTS), once they reach `produced` or
 * `timeoutMs` passes; the caller asserts the figures, so a shortfall shows as numbers, not as a timeout.
 */
export async function publishedPieces(
  jsm: JetStreamManager,
  gateway: { drained(ms: number): Promise<unknown> },
  produced: () => { good: number; scrap: number },
  timeoutMs: number,
): Promise<{ good: number; scrap: number }> {
  let events = await readMachineEvents(jsm);
  const sum = (c: 'good' | 'scrap') => events.reduce((n, e) => n + (e.kind === 'counter' && e.counter === c ? e.delta : 0), 0);
  await waitFor(
    'published deltas to reach the produced count',
    async () => {
      await gateway.drained(1_000);
      events = await readMachineEvents(jsm);
      return sum('good') === produced().good && sum('scrap') === produced().scrap;
    },
    timeoutMs,
  ).catch(() => undefined);
  return { good: sum('good'), scrap: sum('scrap') };
}
