import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EdgeTag } from '../../contracts/messages/edge-config.js';
import { startGateway, type Gateway } from '../../edge/gateway.js';
import { startOpcuaLine, type SimLine } from '../../simulators/opcua-line/server.js';
import { counterReadings, readMachineEvents, startNatsRig, waitFor, type NatsRig } from '../helpers/edge.js';

const BOUND = 50;

describe('edge gateway: the buffer bound while NATS is away', () => {
  let rig: NatsRig;
  let sim: SimLine;
  let gateway: Gateway;
  const logLines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    rig = await startNatsRig();
    sim = await startOpcuaLine({
      machines: [{ code: 'mill-1', cycleMs: 10, scrapRate: 0.05, noiseTags: 20, noiseTickMs: 50 }],
      certDir: path.join(rig.dir, 'pki-sim'),
      running: false,
    });
    const tags: EdgeTag[] = [
      { name: 'good', nodeId: 'ns=1;s=mill-1.Good', kind: 'counter', counter: 'good', dataType: 'UInt32', samplingMs: 20, windowMs: 100 },
      { name: 'scrap', nodeId: 'ns=1;s=mill-1.Scrap', kind: 'counter', counter: 'scrap', dataType: 'UInt32', samplingMs: 20, windowMs: 100 },
      ...Array.from({ length: 20 }, (_, i): EdgeTag => ({ name: `vib-${i}`, nodeId: `ns=1;s=mill-1.Noise${i}`, kind: 'analog', unit: 'mm/s', samplingMs: 50, deadband: { type: 'absolute', value: 0 }, serverDeadband: false, minIntervalMs: 0 })),
    ];
    gateway = startGateway({
      machines: [{ ref: { site: 'plant1', line: 'line-4', machine: 'mill-1' }, idealCycleTimeS: 0.01, opcua: { endpoint: sim.endpoint, securityMode: 'None', securityPolicy: 'None', tags } }],
      js: rig.js,
      log: pino({ level: 'info' }, { write: (s: string) => void logLines.push(JSON.parse(s) as Record<string, unknown>) }),
      bufferDir: path.join(rig.dir, 'buffer'),
      maxBufferEvents: BOUND,
      certDir: path.join(rig.dir, 'pki-gateway'),
      trustUnknownServers: true,
    });
    await waitFor('counter baselines', async () => (await counterReadings(gateway)) >= 2);
  });
  afterAll(async () => {
    await gateway?.stop();
    await sim?.stop();
    await rig?.stop();
  });

  const droppedFull = async () => (await gateway.metrics.dropped.get()).values.find((v) => v.labels.reason === 'buffer_full')?.value ?? 0;

  it('drops and counts analog events loudly at the bound, and still delivers every piece', async () => {
    sim.setRunning(true);
    let maxDepth = 0;
    await rig.restartNats(async () => {
      await waitFor('drops at the bound', async () => {
        maxDepth = Math.max(maxDepth, gateway.journal.depthEvents);
        return (await droppedFull()) > 200;
      }, 15_000);
    });
    // Counters may pass the bound by what one tick lets through; nothing else does.
    expect(maxDepth).toBeLessThanOrEqual(BOUND + 4);
    expect(logLines.filter((l) => String(l.msg).startsWith('BUFFER FULL'))).toHaveLength(1);
    await waitFor('room again', () => logLines.some((l) => l.msg === 'buffer has room again; events were dropped while it was full'), 15_000);
    sim.setRunning(false);
    const produced = sim.produced('mill-1');
    let events = await readMachineEvents(rig.jsm);
    const sum = (c: string) => events.reduce((n, e) => n + (e.kind === 'counter' && e.counter === c ? e.delta : 0), 0);
    await waitFor('every piece', async () => {
      await gateway.drained(2_000);
      events = await readMachineEvents(rig.jsm);
      return sum('good') === produced.good && sum('scrap') === produced.scrap;
    }).catch(() => undefined);
    expect({ good: sum('good'), scrap: sum('scrap') }).toEqual(produced);
    const roomAgain = logLines.find((l) => l.msg === 'buffer has room again; events were dropped while it was full');
    expect(Number(roomAgain?.dropped)).toBeGreaterThan(200);
  });
});
