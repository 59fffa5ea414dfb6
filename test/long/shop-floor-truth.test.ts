import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostingList } from '../../contracts/messages/erp-rest.js';
import type { MachineEvent } from '../../contracts/messages/machine-event.js';
import type { Gateway } from '../../edge/gateway.js';
import { total } from '../../edge/metrics.js';
import { counterHolds, machineCounts, unassignedProduction } from '../../schema/index.js';
import { startOpcuaLine, type SimLine } from '../../simulators/opcua-line/server.js';
import { completeOrderSignal, statusQuery } from '../../workflows/definitions.js';
import { counterReadings, readMachineEvents, waitFor } from '../helpers/edge.js';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { releaseOrder } from '../helpers/release.js';
import { resultOf } from '../helpers/workflow-result.js';
import { seedPlantForBridge, startLineGateway } from '../helpers/line-gateway.js';
import { plantWithSimLine } from '../helpers/sim-plant.js';

// Issue 11's end-to-end "Done when": the line simulator (a real OPC UA server) -> the edge gateway -> NATS -> the
// signal bridge -> the work-order workflow -> the ERP simulator, with a counter that reads 0 for one sample (item 1),
// an operator's reset of a UInt16 counter near the top of its range (item 2), a machine in series that counts the
// same pieces (item 7) and a subscription the server kills (item 5) on the way. The ERP must end with the pieces the
// counting point truly made, confirmed once, with their backflush.

const ORDER = '7200001';
const LINE = 'line-3';
/** One piece per machine cycle; the plant file's idealCycleTimeS says the same, so honest counts are plausible. */
const CYCLE_MS = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let engine: TestEngine;
let sim: SimLine;
let gateway: Gateway;
let edgeNc: NatsConnection;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mes-truth-'));
  engine = await startTestEngine();
  sim = await startOpcuaLine({
    machines: [
      // The cutter feeds the welder: both count every piece they handle.
      { code: 'cut-1', cycleMs: CYCLE_MS, scrapRate: 0.05, counterType: 'UInt32' },
      // The counting point: a UInt16 PLC counter near the top of its range (item 2's 60000).
      { code: 'weld-1', cycleMs: CYCLE_MS, scrapRate: 0.1, counterType: 'UInt16', counterStart: 60_000 },
    ],
    certDir: path.join(dir, 'pki-sim'),
    running: false,
  });
});

afterAll(async () => {
  // Each server is stopped even when another one's stop fails.
  const stops: Array<() => Promise<unknown> | undefined> = [() => gateway?.stop(), () => sim?.stop(), () => edgeNc?.close(), () => engine?.stop()];
  const failed: unknown[] = [];
  for (const stop of stops) await Promise.resolve(stop()).catch((err: unknown) => failed.push(err));
  if (dir) await rm(dir, { recursive: true, force: true });
  if (failed.length > 0) throw failed[0];
});

/** The demo plant with line-3: a cutter feeding a welder, read from the simulator; the welder is the counting point. */
const seriesPlant = (endpoint: string) =>
  plantWithSimLine({
    endpoint, line: LINE, name: 'Cut and weld line 3', countingPoints: ['weld-1'], cycleMs: CYCLE_MS,
    machines: [{ code: 'cut-1', name: 'Cutter 1', dataType: 'UInt32' }, { code: 'weld-1', name: 'Welder 1', dataType: 'UInt16' }],
  });

/** Good and scrap pieces of one machine in MES_EVENTS (the sum of its published counter deltas). */
const publishedOf = (events: MachineEvent[], machine: string) =>
  events.reduce(
    (a, e) => (e.kind === 'counter' && e.machine === machine ? { ...a, [e.counter]: a[e.counter as 'good' | 'scrap'] + e.delta } : a),
    { good: 0, scrap: 0 },
  );

async function machineCount(machine: string) {
  const rows = await engine.services.db.select().from(machineCounts).where(and(eq(machineCounts.siteCode, 'plant1'), eq(machineCounts.machineCode, machine)));
  return rows.reduce((a, r) => ({ good: a.good + r.good, scrap: a.scrap + r.scrap }), { good: 0, scrap: 0 });
}

async function ledgerFor(erpOrderId: string) {
  const res = await fetch(`${engine.services.erpSimUrl}/api/postings?erpOrderId=${erpOrderId}`);
  return PostingList.parse(await res.json()).postings;
}

describe('shop-floor truth: OPC UA server -> gateway -> NATS -> bridge -> work order -> ERP', () => {
  it('puts exactly the counting point\'s true pieces in the ERP ledger, once, with their backflush, through glitches, a reset and a killed subscription', async () => {
    const plant = await seriesPlant(sim.endpoint);
    const { bridgeKnowsMachines } = await seedPlantForBridge(engine, plant);

    // The edge gateway reads line-3 from the simulator and publishes to the engine's NATS on its own connection.
    ({ gateway, nc: edgeNc } = await startLineGateway(engine, plant, LINE, dir, 100_000));
    await waitFor('every counter read once (its baseline)', async () => (await counterReadings(gateway)) >= 4);

    const h = await releaseOrder(engine, ORDER, LINE, '100000');
    await bridgeKnowsMachines();

    sim.setRunning(true);
    await eventually(async () => ((await h.query(statusQuery)).phase === 'running' ? true : undefined), 'the order running on the welder\'s first pieces');
    await sleep(1_500);

    // Item 1: the welder's good counter reads 0 (status Good) for one sample, then its true value again.
    sim.glitch('weld-1', 'Good', 0);
    await sleep(1_500);

    // Item 5: the server kills the subscription while the session lives; the machines keep making pieces.
    const before = sim.subscriptionIds();
    const atDrop = sim.produced('weld-1').good;
    expect(sim.dropSubscriptions()).toEqual(before);
    await waitFor('a new subscription on the server', () => sim.subscriptionIds().some((id) => !before.includes(id)), 10_000);
    const madeWhileDown = sim.produced('weld-1').good - atDrop;
    await sleep(1_000);

    // Item 2: an operator stops the line, resets the welder's UInt16 counters (near 65535) to 0 and starts it again;
    // the welder counts on from 0. At a standstill: a piece counted after the server's last sample before a reset is
    // known to no one (the server samples every 50 ms at best), so a reset while running may lose it, in any product.
    sim.setRunning(false);
    await sleep(CYCLE_MS + 300);
    sim.resetCounter('weld-1', 'Good');
    sim.resetCounter('weld-1', 'Scrap');
    sim.setRunning(true);
    await sleep(2_000);
    sim.setRunning(false);

    const truth = { weld: sim.produced('weld-1'), cut: sim.produced('cut-1') };
    expect(madeWhileDown).toBeGreaterThan(0);
    expect(truth.cut.good).toBeGreaterThan(0);

    // What each stage holds is checked softly (a failure is reported, the test goes on), so a broken stage shows its
    // figures and the ledger's too. Everything the gateway read is on NATS: per machine, the published deltas are the
    // pieces made.
    const jsm = await jetstreamManager(engine.services.nc);
    let events: MachineEvent[] = [];
    const published = () => ({ weld: publishedOf(events, 'weld-1'), cut: publishedOf(events, 'cut-1') });
    await waitFor('published deltas of both machines to reach their produced pieces', async () => {
      await gateway.drained(1_000);
      events = await readMachineEvents(jsm);
      return JSON.stringify(published()) === JSON.stringify(truth);
    }, 15_000).catch(() => undefined);
    expect.soft(published()).toEqual(truth);
    // The glitch and both resets went through the counter logic (not missed between samples), and nothing was held.
    expect.soft(events.filter((e) => e.kind === 'hold')).toEqual([]);
    expect.soft(await total(gateway.metrics.counterHolds)).toBe(0);
    const decisions = Object.fromEntries((await gateway.metrics.counterDecisions.get()).values.map((v) => [v.labels.step, v.value]));
    expect.soft(decisions).toEqual({ glitch: 1, reset: 2 });
    expect.soft(await total(gateway.metrics.subscriptionsRecreated)).toBe(1);

    // The bridge has taken both machines' pieces (per machine, the cutter's as machine data); only the welder's are
    // the order's.
    const perMachine = async () => ({ weld: await machineCount('weld-1'), cut: await machineCount('cut-1') });
    await waitFor('both machines\' pieces counted per machine', async () => JSON.stringify(await perMachine()) === JSON.stringify(truth), 15_000).catch(() => undefined);
    expect.soft(await perMachine()).toEqual(truth);
    const onOrder = async () => {
      const s = await h.query(statusQuery);
      return { good: s.good, scrap: s.scrap };
    };
    await waitFor('the welder\'s pieces on the order', async () => JSON.stringify(await onOrder()) === JSON.stringify(truth.weld), 10_000).catch(() => undefined);
    expect.soft(await onOrder()).toEqual(truth.weld);

    await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'shop-floor-truth' });
    expect(await resultOf(h)).toMatchObject({ phase: 'confirmed', exception: null });

    // The ERP's ledger: one final confirmation of the true quantity, one 261 of the BOM for it, nothing else.
    const ledger = await ledgerFor(ORDER);
    const confirmations = ledger.filter((p) => p.kind === 'confirmation');
    const issues = ledger.filter((p) => p.kind === 'goods-movement' && p.movementType === '261');
    expect(confirmations).toHaveLength(1);
    expect(confirmations[0]).toMatchObject({ yieldQty: String(truth.weld.good), scrapQty: String(truth.weld.scrap), isFinal: true });
    expect(confirmations[0]!.cancelled ?? false).toBe(false);
    expect(issues).toHaveLength(1);
    const bom = plant.materials.find((m) => m.code === 'BRACKET-A')!.bom;
    expect(bom.length).toBeGreaterThan(0);
    expect(issues[0]!.items!.map((i) => [i.material, Number(i.quantity), i.unit])).toEqual(
      bom.map((b) => [b.component, Number(b.quantityPer) * truth.weld.good, b.unit]),
    );
    expect(ledger.filter((p) => p.movementType === '262')).toEqual([]);
    expect(ledger).toHaveLength(2);
    expect(new Set(ledger.map((p) => p.postingKey)).size).toBe(ledger.length);
    expect(new Set(ledger.map((p) => p.document)).size).toBe(ledger.length);

    // Nothing held, nothing unassigned on the engine's side either.
    expect(await engine.services.db.select().from(counterHolds)).toEqual([]);
    expect(await engine.services.db.select().from(unassignedProduction).where(eq(unassignedProduction.lineCode, LINE))).toEqual([]);
  });
});
