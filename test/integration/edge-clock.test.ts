import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MachineOpcua } from '../../contracts/messages/edge-config.js';
import type { MachineEvent } from '../../contracts/messages/machine-event.js';
import { startGateway, type Gateway } from '../../edge/gateway.js';
import { total } from '../../edge/metrics.js';
import { startOpcuaLine, type SimLine } from '../../simulators/opcua-line/server.js';
import { readMachineEvents, startNatsRig, waitFor, type NatsRig } from '../helpers/edge.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HOURS_2 = 2 * 3_600_000;

// Issue 11, item 6: a PLC whose clock is 2 h off, read through a real node-opcua server.
describe('edge gateway: a PLC clock that is wrong', () => {
  let rig: NatsRig;
  let sim: SimLine;
  let gateway: Gateway;
  const logLines: string[] = [];

  const opcua = (endpoint: string): MachineOpcua => ({
    endpoint,
    securityMode: 'None',
    securityPolicy: 'None',
    tags: [{ name: 'state', nodeId: 'ns=1;s=oven-1.State', kind: 'state', map: { RUN: 'running', STOP: 'stopped', IDLE: 'idle' }, samplingMs: 20, debounceMs: 300 }],
  });

  beforeAll(async () => {
    rig = await startNatsRig();
    // One cycle an hour: nothing moves unless the test writes it.
    sim = await startOpcuaLine({ machines: [{ code: 'oven-1', cycleMs: 3_600_000 }], certDir: path.join(rig.dir, 'pki-sim') });
    gateway = startGateway({
      machines: [{ ref: { site: 'plant1', line: 'line-3', machine: 'oven-1' }, idealCycleTimeS: 1, opcua: opcua(sim.endpoint) }],
      js: rig.js,
      log: pino({ level: 'info' }, { write: (s: string) => void logLines.push(s) }),
      bufferDir: path.join(rig.dir, 'buffer'),
      maxBufferEvents: 10_000,
      certDir: path.join(rig.dir, 'pki-gateway'),
      trustUnknownServers: true,
    });
    await waitFor('the first reading', async () => (await total(gateway.metrics.changes)) >= 1);
    sim.write('oven-1', 'State', 'RUN');
    await sleep(500);
  });
  afterAll(async () => {
    await gateway?.stop();
    await sim?.stop();
    await rig?.stop();
  });

  const states = async () => {
    await gateway.drained(5_000);
    return (await readMachineEvents(rig.jsm)).flatMap((e: MachineEvent) => (e.kind === 'state' ? [e] : []));
  };
  const skewSeconds = async () => (await gateway.metrics.clockSkew.get()).values[0]?.value;
  const warnings = () => logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'PLC clock is off the OPC UA server clock; timers use the gateway clock, events keep the PLC time');

  it('PLC 2 h ahead: a stop is one stop, timed by the gateway, stamped with the PLC time; the skew is measured and warned', async () => {
    sim.setClockSkew(HOURS_2);
    const before = (await states()).length;
    sim.write('oven-1', 'State', 'STOP');
    await sleep(1_200);
    sim.write('oven-1', 'State', 'RUN');
    await sleep(700);
    const after = (await states()).slice(before);
    expect(after.map((e) => [e.previous, e.state])).toEqual([
      ['running', 'stopped'],
      ['stopped', 'running'],
    ]);
    const stopMs = Date.parse(after[1]!.sourceTime) - Date.parse(after[0]!.sourceTime);
    expect(stopMs).toBeGreaterThan(1_000);
    expect(stopMs).toBeLessThan(1_500);
    expect(Date.parse(after[0]!.sourceTime) - Date.now()).toBeGreaterThan(HOURS_2 - 10_000);
    expect(await skewSeconds()).toBeCloseTo(7_200, 0);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatchObject({ warnMs: 60_000 });
  });

  it('PLC 2 h behind: 100 ms blips are debounced away', async () => {
    sim.setClockSkew(-HOURS_2);
    const before = (await states()).length;
    for (let i = 0; i < 3; i++) {
      sim.write('oven-1', 'State', 'STOP');
      await sleep(100);
      sim.write('oven-1', 'State', 'RUN');
      await sleep(400);
    }
    await sleep(500);
    expect((await states()).slice(before)).toEqual([]);
    expect(await skewSeconds()).toBeCloseTo(-7_200, 0);
  });
});
