import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MachineOpcua } from '../../contracts/messages/edge-config.js';
import { startGateway, type Gateway } from '../../edge/gateway.js';
import { startHealthServer } from '../../edge/health.js';
import { createEdgeMetrics, total } from '../../edge/metrics.js';
import { startOpcuaLine, type SimLine } from '../../simulators/opcua-line/server.js';
import { counterReadings, edgeLog, startNatsRig, waitFor, type NatsRig, publishedPieces } from '../helpers/edge.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ref = { site: 'plant1', line: 'line-1', machine: 'press-1' };

// Issue 11, item 5: the server drops the subscription while the session lives.
describe('edge gateway: a subscription that dies while the session lives', () => {
  let rig: NatsRig;
  let sim: SimLine;
  let gateway: Gateway;
  let closeHealth: (() => void) | undefined;

  const opcua = (endpoint: string): MachineOpcua => ({
    endpoint,
    securityMode: 'None',
    securityPolicy: 'None',
    tags: [
      { name: 'good', nodeId: 'ns=1;s=press-1.Good', kind: 'counter', counter: 'good', dataType: 'UInt32', samplingMs: 20, windowMs: 200 },
      { name: 'scrap', nodeId: 'ns=1;s=press-1.Scrap', kind: 'counter', counter: 'scrap', dataType: 'UInt32', samplingMs: 20, windowMs: 200 },
    ],
  });

  beforeAll(async () => {
    rig = await startNatsRig();
    sim = await startOpcuaLine({ machines: [{ code: 'press-1', cycleMs: 10, scrapRate: 0.1 }], certDir: path.join(rig.dir, 'pki-sim'), running: false });
  });
  afterAll(async () => {
    closeHealth?.();
    await gateway?.stop();
    await sim?.stop();
    await rig?.stop();
  });

  it('is re-created within seconds, /health is 503 meanwhile, and every piece made in the gap is published', async () => {
    let healthUrl = '';
    const health = async () => (await fetch(healthUrl)).status;
    // /health is asked the moment the gateway marks the subscription stalled, and again once it is live.
    const metrics = createEdgeMetrics();
    const stalledSet = metrics.subscriptionsStalled.set.bind(metrics.subscriptionsStalled);
    const atStallChange: Array<Promise<[number, number]>> = [];
    metrics.subscriptionsStalled.set = ((v: number) => {
      stalledSet(v);
      atStallChange.push(health().then((status) => [v, status]));
    }) as typeof metrics.subscriptionsStalled.set;
    gateway = startGateway({
      metrics,
      machines: [{ ref, idealCycleTimeS: 0.01, opcua: opcua(sim.endpoint) }],
      js: rig.js,
      log: edgeLog,
      bufferDir: path.join(rig.dir, 'buffer'),
      maxBufferEvents: 100_000,
      certDir: path.join(rig.dir, 'pki-gateway'),
      trustUnknownServers: true,
    });
    const server = await startHealthServer(metrics, 0);
    closeHealth = () => server.close();
    healthUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;

    await waitFor('first counter readings', async () => (await counterReadings(gateway)) >= 2);
    sim.setRunning(true);
    // natsUp is 1 after the first publish: healthy once pieces are flowing.
    await waitFor('/health 200', async () => (await health()) === 200);
    await sleep(500);

    const before = sim.subscriptionIds();
    expect(before).toHaveLength(1);
    const droppedAt = Date.now();
    expect(sim.dropSubscriptions()).toEqual(before);
    await waitFor('a new subscription on the server', () => sim.subscriptionIds().some((id) => !before.includes(id)), 10_000);
    const recoveredInMs = Date.now() - droppedAt;
    await waitFor('/health 200 again', async () => (await health()) === 200, 10_000);
    await sleep(800);

    expect(recoveredInMs).toBeLessThan(5_000);
    // Stalled (503) from the watchdog's verdict until the new subscription delivers, then healthy (200).
    expect(await Promise.all(atStallChange)).toEqual([
      [1, 503],
      [0, 200],
    ]);
    expect(await total(gateway.metrics.subscriptionsRecreated)).toBe(1);
    expect((await gateway.metrics.subscriptionsStalled.get()).values[0]?.value).toBe(0);

    // Counters are absolute: the first reading of the new subscription carries the pieces made in the gap.
    sim.setRunning(false);
    const produced = () => sim.produced('press-1');
    expect(await publishedPieces(rig.jsm, gateway, produced, 15_000)).toEqual(produced());
    expect(produced().good).toBeGreaterThan(100);
  });
});
