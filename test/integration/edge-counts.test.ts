import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MachineOpcua } from '../../contracts/messages/edge-config.js';
import { startGateway, type Gateway } from '../../edge/gateway.js';
import { total } from '../../edge/metrics.js';
import { startOpcuaLine, type SimLine } from '../../simulators/opcua-line/server.js';
import { counterReadings, edgeLog, readMachineEvents, startNatsRig, waitFor, type NatsRig, publishedPieces } from '../helpers/edge.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const machine = { code: 'press-1', cycleMs: 10, scrapRate: 0.1, counterType: 'UInt16' as const, counterStart: 65_450, stopEvery: 60, stopCycles: 10 };
const ref = { site: 'plant1', line: 'line-1', machine: 'press-1' };

describe('edge gateway: counts across restarts', () => {
  let rig: NatsRig;
  let sim: SimLine;
  let gateway: Gateway;

  const opcua = (endpoint: string): MachineOpcua => ({
    endpoint,
    securityMode: 'None',
    securityPolicy: 'None',
    tags: [
      { name: 'good', nodeId: 'ns=1;s=press-1.Good', kind: 'counter', counter: 'good', dataType: 'UInt16', samplingMs: 20, windowMs: 200 },
      { name: 'scrap', nodeId: 'ns=1;s=press-1.Scrap', kind: 'counter', counter: 'scrap', dataType: 'UInt16', samplingMs: 20, windowMs: 200 },
      { name: 'state', nodeId: 'ns=1;s=press-1.State', kind: 'state', map: { RUN: 'running', IDLE: 'idle', STOP: 'stopped' }, samplingMs: 20, debounceMs: 0 },
      { name: 'alarm', nodeId: 'ns=1;s=press-1.AlarmActive', kind: 'alarm', code: 'E-STOP', samplingMs: 20 },
    ],
  });
  const gatewayFor = (endpoint: string) =>
    startGateway({
      machines: [{ ref, idealCycleTimeS: machine.cycleMs / 1_000, opcua: opcua(endpoint) }],
      js: rig.js,
      log: edgeLog,
      bufferDir: path.join(rig.dir, 'buffer'),
      maxBufferEvents: 100_000,
      certDir: path.join(rig.dir, 'pki-gateway'),
      trustUnknownServers: true,
    });
  const simOptions = (port = 0) => ({ port, machines: [machine], certDir: path.join(rig.dir, 'pki-sim'), running: false });

  beforeAll(async () => {
    rig = await startNatsRig();
    sim = await startOpcuaLine(simOptions());
  });
  afterAll(async () => {
    await gateway?.stop();
    await sim?.stop();
    await rig?.stop();
  });

  it('publishes deltas that sum to the produced count through OPC UA, NATS and gateway restarts', async () => {
    gateway = gatewayFor(sim.endpoint);
    // Baseline: both counters read once before the line runs, so every later piece is a delta.
    await waitFor('first counter readings', async () => (await counterReadings(gateway)) >= 2);
    sim.setRunning(true);
    await sleep(1_200);

    // OPC UA server restart: a retentive PLC keeps its counters; the gateway reconnects and resubscribes.
    const snap = await sim.stop();
    await sleep(500);
    sim = await startOpcuaLine({ ...simOptions(sim.port), running: true }, snap);
    const changesBefore = await total(gateway.metrics.changes);
    await sleep(1_500);
    expect(await total(gateway.metrics.changes)).toBeGreaterThan(changesBefore + 20);
    expect((await gateway.metrics.endpointsConnected.get()).values[0]?.value).toBe(1);

    // NATS away: events wait in the on-disk buffer, then drain in order.
    await rig.restartNats(async () => {
      await waitFor('events to queue in the buffer while NATS is down', () => gateway.journal.depthEvents > 5, 5_000);
    });
    await waitFor('the buffer to drain after NATS returned', () => gateway.journal.depthEvents === 0, 15_000);

    // Gateway restart: the journal brings back unsent events and each counter's committed raw value.
    await gateway.stop();
    gateway = gatewayFor(sim.endpoint);
    await sleep(1_500);
    sim.setRunning(false);

    const produced = () => sim.produced('press-1');
    expect(await publishedPieces(rig.jsm, gateway, produced, 20_000)).toEqual(produced());
    const events = await readMachineEvents(rig.jsm);
    expect(produced().good).toBeGreaterThan(150);
    // Started at 65,450 on a UInt16 counter: it wrapped, and the delta across the wrap was right.
    expect(events.some((e) => e.kind === 'counter' && e.counter === 'good' && e.raw < 1_000)).toBe(true);
    const ids = events.map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    // Stops every 60 cycles: state changes and alarm raise/clear were published too.
    expect(events.filter((e) => e.kind === 'state').length).toBeGreaterThan(2);
    expect(events.filter((e) => e.kind === 'alarm' && e.active).length).toBeGreaterThan(0);
    expect(events.filter((e) => e.kind === 'alarm' && !e.active).length).toBeGreaterThan(0);
  });
});
