import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CounterDataType, EdgeTag } from '../../contracts/messages/edge-config.js';
import type { CounterHoldEvent, MachineEvent } from '../../contracts/messages/machine-event.js';
import { startGateway, type Gateway } from '../../edge/gateway.js';
import { total } from '../../edge/metrics.js';
import { startOpcuaLine, type SimLine } from '../../simulators/opcua-line/server.js';
import { counterReadings, edgeLog, readMachineEvents, startNatsRig, waitFor, type NatsRig } from '../helpers/edge.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ref = { site: 'plant1', line: 'line-7', machine: 'cnt-1' };
/** 0.1 s per piece: 15 pieces a second with the default 1.5 x margin, plus 5 of slack. */
const IDEAL_CYCLE_S = 0.1;

/**
 * Each counter: its OPC UA variable (of that DataType, set by the test), its value before the gateway starts (the
 * baseline), and the readings the test then writes, each its own data change.
 */
const cases: Array<{ tag: string; dataType: CounterDataType; start: number; writes: number[]; extra?: Partial<Extract<EdgeTag, { kind: 'counter' }>> }> = [
  // Fault 1: a UInt32 that reads 0 (Good) for one sample: 3 pieces, not 45003.
  { tag: 'u32', dataType: 'UInt32', start: 45_000, writes: [0, 45_003] },
  // Fault 2: an operator reset near the top of a UInt16: 12 pieces, not 5548.
  { tag: 'u16', dataType: 'UInt16', start: 60_000, writes: [0, 12] },
  // Fault 3: signed counters wrap to the negative end.
  { tag: 'i16', dataType: 'Int16', start: 32_766, writes: [-32_768, -32_767] },
  { tag: 'i32', dataType: 'Int32', start: 2_147_483_646, writes: [-2_147_483_648, -2_147_483_646] },
  // A REAL counter: 103.5 is no whole number of pieces (dropped as bad_value); 100 -> 104 is 4.
  { tag: 'real', dataType: 'Float', start: 100, writes: [101, 103.5, 104] },
  // A 64-bit counter past 2^32 (node-opcua's [high, low] words) and a signed one below zero.
  { tag: 'u64', dataType: 'UInt64', start: 2 ** 40, writes: [2 ** 40 + 7] },
  { tag: 'i64', dataType: 'Int64', start: -10, writes: [-8, -3] },
  // A 4-digit counter wrapping at 9999: 9998 -> 0 -> 1 is 3.
  { tag: 'wrap9999', dataType: 'UInt16', start: 9_998, writes: [0, 1], extra: { wrap: { min: 0, max: 9_999 } } },
  // Fault 4: a jump no machine makes in the time: held with its readings, then counting goes on from the new raw.
  { tag: 'jump', dataType: 'UInt32', start: 1_000, writes: [1_000_000, 1_000_002] },
];
const expected: Record<string, number> = { u32: 3, u16: 12, i16: 3, i32: 4, real: 4, u64: 7, i64: 7, wrap9999: 3, jump: 2 };
const varName = (tag: string) => tag.toUpperCase();

describe('edge gateway: counter semantics through OPC UA, the gateway and NATS', () => {
  let rig: NatsRig;
  let sim: SimLine;
  let gateway: Gateway;

  const tags: EdgeTag[] = cases.map((c) => ({
    name: c.tag,
    nodeId: `ns=1;s=cnt-1.${varName(c.tag)}`,
    kind: 'counter',
    counter: 'good',
    dataType: c.dataType,
    samplingMs: 20,
    windowMs: 100,
    ...c.extra,
  }));
  const gatewayNow = () =>
    startGateway({
      machines: [{ ref, idealCycleTimeS: IDEAL_CYCLE_S, opcua: { endpoint: sim.endpoint, securityMode: 'None', securityPolicy: 'None', tags } }],
      js: rig.js,
      log: edgeLog,
      bufferDir: path.join(rig.dir, 'buffer'),
      maxBufferEvents: 10_000,
      certDir: path.join(rig.dir, 'pki-gateway'),
      trustUnknownServers: true,
    });
  const deltas = (events: MachineEvent[]) => {
    const out: Record<string, number> = {};
    for (const e of events) if (e.kind === 'counter') out[e.tag] = (out[e.tag] ?? 0) + e.delta;
    return out;
  };
  const holds = (events: MachineEvent[]) => events.filter((e): e is CounterHoldEvent => e.kind === 'hold');
  const published = async () => {
    await gateway.drained(5_000);
    return readMachineEvents(rig.jsm);
  };

  beforeAll(async () => {
    rig = await startNatsRig();
    sim = await startOpcuaLine({
      machines: [{ code: 'cnt-1', cycleMs: 3_600_000, testCounters: cases.map((c) => ({ name: varName(c.tag), dataType: c.dataType, start: c.start })) }],
      certDir: path.join(rig.dir, 'pki-sim'),
      running: false,
    });
    gateway = gatewayNow();
    await waitFor('every counter read once (its baseline)', async () => (await counterReadings(gateway)) >= cases.length);
  });
  afterAll(async () => {
    await gateway?.stop();
    await sim?.stop();
    await rig?.stop();
  });

  it('counts glitches, resets, signed and custom wraps, REAL and 64-bit counters as pieces, and holds an implausible jump', async () => {
    const steps = Math.max(...cases.map((c) => c.writes.length));
    for (let i = 0; i < steps; i++) {
      for (const c of cases) if (i < c.writes.length) sim.writeCounter('cnt-1', varName(c.tag), c.writes[i]!);
      await sleep(400);
    }
    let events: MachineEvent[] = [];
    await waitFor('every counter to publish its pieces', async () => {
      events = await published();
      return Object.keys(expected).every((t) => deltas(events)[t] === expected[t]);
    }, 10_000).catch(() => undefined);
    expect(deltas(events)).toEqual(expected);

    // The jump: one hold on NATS with the raw readings, no pieces from it.
    const held = holds(events);
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({
      tag: 'jump',
      counter: 'good',
      reason: 'implausible_rate',
      delta: 999_000,
      raw: 1_000_000,
      readings: [{ raw: 1_000 }, { raw: 1_000_000 }],
    });
    expect(held[0]!.limit).toBeLessThan(999_000);
    expect(held[0]!.elapsedMs).toBeGreaterThan(0);
    expect(await total(gateway.metrics.counterHolds)).toBe(1);
    expect(((await gateway.metrics.dropped.get()).values.find((v) => v.labels.reason === 'bad_value')?.value ?? 0)).toBeGreaterThanOrEqual(1);
    // Suspect drops: u32, u16, i16, i32, wrap9999 each fell once and were decided by the next reading.
    expect(await total(gateway.metrics.counterSuspectDrops)).toBe(5);
  });

  it('after a gateway restart counts the pieces made while it was down when they fit the time, and holds a jump', async () => {
    await gateway.stop();
    // While the gateway is down: u32 makes 5 pieces (plausible in the downtime), jump leaps by 100,000.
    sim.writeCounter('cnt-1', 'U32', 45_008);
    sim.writeCounter('cnt-1', 'JUMP', 1_100_002);
    await sleep(1_000);
    gateway = gatewayNow();
    let events: MachineEvent[] = [];
    await waitFor('the restart to count and hold', async () => {
      events = await published();
      return deltas(events).u32 === 8 && holds(events).length === 2;
    }, 10_000).catch(() => undefined);
    expect(deltas(events)).toMatchObject({ u32: 8, jump: 2 });
    expect(holds(events)[1]).toMatchObject({ tag: 'jump', reason: 'implausible_rate', delta: 100_000, readings: [{ raw: 1_000_002 }, { raw: 1_100_002 }] });
  });
});
