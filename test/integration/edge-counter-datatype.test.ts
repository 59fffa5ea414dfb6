import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { EdgeTag } from '../../contracts/messages/edge-config.js';
import { startGateway, type Gateway } from '../../edge/gateway.js';
import { edgeHealth } from '../../edge/health.js';
import { startOpcuaLine, type SimLine } from '../../simulators/opcua-line/server.js';
import { counterReadings, startNatsRig, waitFor, type NatsRig } from '../helpers/edge.js';

const ref = { site: 'plant1', line: 'line-7', machine: 'cnt-2' };

// Issue 11, review finding 7: a PLC INT counter configured with the UInt32 default would drop every negative
// reading; the gateway reads each counter node's DataType at subscription time and refuses the tag instead.
describe('edge gateway: a counter whose node DataType differs from the configured dataType', () => {
  let rig: NatsRig;
  let sim: SimLine;
  let gateway: Gateway;
  const logged: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    rig = await startNatsRig();
    sim = await startOpcuaLine({
      machines: [{ code: 'cnt-2', cycleMs: 3_600_000, testCounters: [{ name: 'INT', dataType: 'Int16', start: -5 }, { name: 'OK', dataType: 'UInt16', start: 10 }] }],
      certDir: path.join(rig.dir, 'pki-sim'),
      running: false,
    });
    const tags: EdgeTag[] = [
      // dataType left at the default (UInt32) on an Int16 node.
      { name: 'int', nodeId: 'ns=1;s=cnt-2.INT', kind: 'counter', counter: 'good', dataType: 'UInt32', samplingMs: 20, windowMs: 100 },
      { name: 'ok', nodeId: 'ns=1;s=cnt-2.OK', kind: 'counter', counter: 'scrap', dataType: 'UInt16', samplingMs: 20, windowMs: 100 },
    ];
    const log = pino({ level: 'error' }, { write: (line: string) => void logged.push(JSON.parse(line) as Record<string, unknown>) });
    gateway = startGateway({
      machines: [{ ref, idealCycleTimeS: 1, opcua: { endpoint: sim.endpoint, securityMode: 'None', securityPolicy: 'None', tags } }],
      js: rig.js,
      log,
      bufferDir: path.join(rig.dir, 'buffer'),
      maxBufferEvents: 1_000,
      certDir: path.join(rig.dir, 'pki-gateway'),
      trustUnknownServers: true,
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await sim?.stop();
    await rig?.stop();
  });

  it('refuses the tag loudly (error log, metric, /health) and reads the others', async () => {
    await waitFor('the matching counter read', async () => (await counterReadings(gateway)) >= 1);
    const refusal = logged.find((l) => String(l.msg).startsWith('TAG REFUSED'));
    expect(refusal).toMatchObject({ tag: 'cnt-2/int', nodeId: 'ns=1;s=cnt-2.INT', problem: 'node DataType Int16, configured dataType UInt32' });
    expect((await gateway.metrics.tagsRefused.get()).values[0]?.value).toBe(1);
    expect(await edgeHealth(gateway.metrics)).toMatchObject({ ok: false, tagsRefused: 1 });
    // Only the matching counter delivered a reading; the refused one is not monitored at all.
    expect(await counterReadings(gateway)).toBe(1);
  });
});
