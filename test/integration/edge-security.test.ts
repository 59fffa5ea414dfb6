import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MachineOpcua } from '../../contracts/messages/edge-config.js';
import { startGateway, type Gateway } from '../../edge/gateway.js';
import { edgeHealth } from '../../edge/health.js';
import { total } from '../../edge/metrics.js';
import { startOpcuaLine, type SimLine } from '../../simulators/opcua-line/server.js';
import { counterReadings, edgeLog, readMachineEvents, startNatsRig, waitFor, type NatsRig } from '../helpers/edge.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('edge gateway: Sign and SignAndEncrypt with user/password, and an item limit per call', () => {
  let rig: NatsRig;
  let sim: SimLine;
  const gateways: Gateway[] = [];

  const opcua = (endpoint: string, credentialsRef: string, securityMode: 'Sign' | 'SignAndEncrypt'): MachineOpcua => ({
    endpoint,
    securityMode,
    securityPolicy: 'Basic256Sha256',
    credentialsRef,
    tags: [
      { name: 'good', nodeId: 'ns=1;s=cell-1.Good', kind: 'counter', counter: 'good', dataType: 'UInt32', samplingMs: 20, windowMs: 100 },
      { name: 'scrap', nodeId: 'ns=1;s=cell-1.Scrap', kind: 'counter', counter: 'scrap', dataType: 'UInt32', samplingMs: 20, windowMs: 100 },
      // Five noise tags with the server's limit of 2 items per call: the gateway must split into three calls.
      ...Array.from({ length: 5 }, (_, i) => ({ name: `noise-${i}`, nodeId: `ns=1;s=cell-1.Noise${i}`, kind: 'analog' as const, unit: '', samplingMs: 50, deadband: { type: 'absolute' as const, value: 0 }, serverDeadband: false, minIntervalMs: 0 })),
    ],
  });
  const gatewayWith = (name: string, password: string, trustUnknownServers = true, mode: 'Sign' | 'SignAndEncrypt' = 'SignAndEncrypt') => {
    const g = startGateway({
      machines: [{ ref: { site: 'plant1', line: 'line-9', machine: 'cell-1' }, idealCycleTimeS: 0.02, opcua: opcua(sim.endpoint, 'CELL1', mode) }],
      js: rig.js,
      log: edgeLog,
      bufferDir: path.join(rig.dir, `buffer-${name}`),
      maxBufferEvents: 100_000,
      certDir: path.join(rig.dir, `pki-${name}`),
      trustUnknownServers,
      credentials: (ref) => (ref === 'CELL1' ? { user: 'operator', password } : undefined),
    });
    gateways.push(g);
    return g;
  };

  beforeAll(async () => {
    rig = await startNatsRig();
    sim = await startOpcuaLine({
      machines: [{ code: 'cell-1', cycleMs: 20, scrapRate: 0.05, noiseTags: 5, noiseTickMs: 100 }],
      certDir: path.join(rig.dir, 'pki-sim'),
      securityModes: ['Sign', 'SignAndEncrypt'],
      users: [{ user: 'operator', password: 'line-9-secret' }],
      maxMonitoredItemsPerCall: 2,
      running: false,
    });
  });
  afterAll(async () => {
    for (const g of gateways) await g.stop();
    await sim?.stop();
    await rig?.stop();
  });

  it('reads every tag over an encrypted, authenticated session and counts exactly', async () => {
    const g = gatewayWith('ok', 'line-9-secret');
    await waitFor('the session and first counter readings', async () => (await counterReadings(g)) >= 2, 30_000);
    sim.setRunning(true);
    await sleep(1_000);
    sim.setRunning(false);
    await sleep(300);
    await waitFor('all deltas', async () => {
      await g.drained(2_000);
      const evs = await readMachineEvents(rig.jsm);
      return evs.reduce((n, e) => n + (e.kind === 'counter' && e.counter === 'good' ? e.delta : 0), 0) === sim.produced('cell-1').good;
    });
    const events = await readMachineEvents(rig.jsm);
    expect(new Set(events.filter((e) => e.kind === 'analog').map((e) => e.tag)).size).toBe(5);
    expect(sim.produced('cell-1').good).toBeGreaterThan(10);
    expect(await edgeHealth(g.metrics)).toMatchObject({ ok: true, endpointsConnected: 1, endpointsConfigured: 1, natsUp: true });
  });

  it('reads over a signed (not encrypted) session too', async () => {
    const g = gatewayWith('sign', 'line-9-secret', true, 'Sign');
    await waitFor('a signed session with counter readings', async () => (await counterReadings(g)) >= 2, 30_000);
    expect(await edgeHealth(g.metrics)).toMatchObject({ endpointsConnected: 1 });
  });

  it('a wrong password gets no session and the health says so', async () => {
    const g = gatewayWith('bad', 'wrong');
    await sleep(2_000);
    expect(await total(g.metrics.changes)).toBe(0);
    expect(await edgeHealth(g.metrics)).toMatchObject({ ok: false, endpointsConnected: 0, endpointsConfigured: 1 });
  });

  it('a server certificate not in the trusted store is refused and kept in rejected/', async () => {
    const g = gatewayWith('untrusted', 'line-9-secret', false);
    await sleep(2_000);
    expect(await total(g.metrics.changes)).toBe(0);
    expect(await edgeHealth(g.metrics)).toMatchObject({ endpointsConnected: 0 });
    expect(readdirSync(path.join(rig.dir, 'pki-untrusted', 'rejected')).length).toBeGreaterThan(0);
  });
});
