import { spawnSync } from 'node:child_process';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MachineOpcua } from '../../contracts/messages/edge-config.js';
import type { MachineEvent } from '../../contracts/messages/machine-event.js';
import { startGateway, type Gateway } from '../../edge/gateway.js';
import { total } from '../../edge/metrics.js';
import { startOpcuaLine, type SimLine } from '../../simulators/opcua-line/server.js';
import { projectRoot } from '../../stack/paths.js';
import { readMachineEvents, startNatsRig, waitFor, type NatsRig } from '../helpers/edge.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const node = (v: string) => `ns=1;s=oven-1.${v}`;

describe('edge gateway: filters, bad status and bad config against real servers', () => {
  let rig: NatsRig;
  let sim: SimLine;
  let gateway: Gateway;
  const logLines: string[] = [];

  const opcua = (endpoint: string): MachineOpcua => ({
    endpoint,
    securityMode: 'None',
    securityPolicy: 'None',
    tags: [
      { name: 'temp-abs', nodeId: node('Temperature'), kind: 'analog', unit: 'degC', samplingMs: 20, deadband: { type: 'absolute', value: 1 }, serverDeadband: false, minIntervalMs: 0 },
      { name: 'temp-pct', nodeId: node('Temperature'), kind: 'analog', unit: 'degC', samplingMs: 20, deadband: { type: 'percent', value: 1 }, range: { low: 0, high: 200 }, serverDeadband: true, minIntervalMs: 0 },
      { name: 'state', nodeId: node('State'), kind: 'state', map: { RUN: 'running', STOP: 'stopped', IDLE: 'idle' }, samplingMs: 20, debounceMs: 300 },
      { name: 'good', nodeId: node('Good'), kind: 'counter', counter: 'good', dataType: 'UInt32', samplingMs: 20, windowMs: 100 },
    ],
  });

  beforeAll(async () => {
    rig = await startNatsRig();
    // One cycle an hour: nothing moves unless the test writes it.
    sim = await startOpcuaLine({ machines: [{ code: 'oven-1', cycleMs: 3_600_000, temperature: { start: 40, driftPerCycle: 0, noise: 0 } }], certDir: path.join(rig.dir, 'pki-sim') });
    const log = pino({ level: 'info' }, { write: (s: string) => void logLines.push(s) });
    gateway = startGateway({
      machines: [{ ref: { site: 'plant1', line: 'line-3', machine: 'oven-1' }, idealCycleTimeS: 1, opcua: opcua(sim.endpoint) }],
      js: rig.js,
      log,
      bufferDir: path.join(rig.dir, 'buffer'),
      maxBufferEvents: 10_000,
      certDir: path.join(rig.dir, 'pki-gateway'),
      trustUnknownServers: true,
    });
    await waitFor('the first readings', async () => (await total(gateway.metrics.changes)) >= 4);
  });
  afterAll(async () => {
    await gateway?.stop();
    await sim?.stop();
    await rig?.stop();
  });

  const published = async () => {
    await gateway.drained(5_000);
    return readMachineEvents(rig.jsm);
  };
  const values = (events: MachineEvent[], tag: string) => events.flatMap((e) => (e.kind === 'analog' && e.tag === tag ? [e.value] : []));

  it('applies absolute and percent deadbands as configured', async () => {
    for (const v of [40.5, 40.9, 41.2, 41.5, 42.0, 43.3, 42.5]) {
      sim.write('oven-1', 'Temperature', v);
      await sleep(150);
    }
    const events = await published();
    // Absolute 1.0 around the last published value: 40 -> 41.2 (+1.2) -> 43.3 (+2.1); 42.5 is inside the band.
    expect(values(events, 'temp-abs')).toEqual([40, 41.2, 43.3]);
    // Percent 1 % of 0..200 = 2.0: only 43.3 leaves the band around 40.
    expect(values(events, 'temp-pct')).toEqual([40, 43.3]);
  });

  it('debounces a flapping state into one change', async () => {
    for (const s of ['STOP', 'RUN', 'STOP', 'RUN', 'STOP', 'RUN', 'STOP']) {
      sim.write('oven-1', 'State', s);
      await sleep(60);
    }
    await sleep(600);
    const states = (await published()).flatMap((e) => (e.kind === 'state' ? [[e.previous, e.state]] : []));
    expect(states).toEqual([
      [null, 'running'],
      ['running', 'stopped'],
    ]);
  });

  it('never uses a bad-status value: it is counted and logged with the reason', async () => {
    const before = await total(gateway.metrics.dropped);
    sim.setStatus('oven-1', 'Good', 'bad');
    await waitFor('a bad_status drop', async () => (await total(gateway.metrics.dropped)) > before, 5_000);
    sim.setStatus('oven-1', 'Good', 'good');
    const lines = () => logLines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines().filter((l) => l.reason === 'bad_status')).toMatchObject([{ tag: 'oven-1/good', nodeId: node('Good'), detail: 'BadSensorFailure', msg: 'reading not used' }]);
    await waitFor('the recovery to be logged', () => lines().some((l) => l.msg === 'tag readings usable again'), 5_000);
    const dropped = (await gateway.metrics.dropped.get()).values.find((v) => v.labels.reason === 'bad_status');
    expect(dropped?.value).toBeGreaterThanOrEqual(1);
    // The bad value (the counter's own 0) produced no counter event.
    expect((await published()).filter((e) => e.kind === 'counter')).toEqual([]);
  });

  it('refuses a bad plant file at start, naming each bad field', () => {
    const r = spawnSync(path.join(projectRoot, 'node_modules/.bin/tsx'), ['workers/edge-gateway.ts'], {
      cwd: projectRoot,
      env: { ...process.env, MES_PLANT_FILE: path.join(projectRoot, 'test/fixtures/plant/bad-opcua.yaml'), MES_LOG_LEVEL: 'fatal' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('edge-gateway failed to start');
    expect(r.stderr).toContain('sites[0].lines[0].machines[0].opcua.endpoint: must be an opc.tcp:// URL');
    expect(r.stderr).toContain('sites[0].lines[0].machines[1].opcua.tags[2].range: percent deadband needs range');
  });
});
