import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlannerApi } from '../../api/app.js';
import { issueToken, type Role } from '../../api/auth.js';
import { workOrderWorkflowId } from '../../contracts/ids.js';
import { PlantModel } from '../../contracts/messages/plant-model.js';
import type { WorkOrderStatus } from '../../contracts/messages/work-order-status.js';
import type { Gateway } from '../../edge/gateway.js';
import { startOpcuaLine, type SimLine } from '../../simulators/opcua-line/server.js';
import { reconcileOrder } from '../../services/reconciliation/reconcile.js';
import { statusQuery } from '../../workflows/definitions.js';
import { counterReadings, waitFor } from '../helpers/edge.js';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { seedPlantForBridge, startLineGateway } from '../helpers/line-gateway.js';
import { ledgerFor, release } from '../helpers/orders.js';
import { plantWithSimLine } from '../helpers/sim-plant.js';
import { resultOf } from '../helpers/workflow-result.js';

// Issue 13's Done-when 1 from the machine on: the OPC UA line simulator's oven drifts out of its cure temperature
// specification; the edge gateway reads the drift and the pieces, NATS and the signal bridge take them to the work
// order, which holds the out-of-spec window's pieces by itself, tells the ERP simulator once per hold and confirms
// the good pieces before and after. A release confirms the first hold's pieces, a scrap the second's as scrap. The
// characteristic puts held pieces into blocked stock: each hold's pieces are received blocked (101), the release
// moves them to unrestricted (343) and the scrap withdraws them for scrapping (555); no piece is received twice.

const ORDER = '7300001';
const LINE = 'line-4';
const OVEN = 'cure-1';
/** One piece per machine cycle, and the temperature drift's step. */
const CYCLE_MS = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let engine: TestEngine;
let api: FastifyInstance;
let sim: SimLine;
let gateway: Gateway;
let edgeNc: NatsConnection;
let dir: string;
const tokens = {} as Record<Role, string>;
const auth = (role: Role) => ({ authorization: `Bearer ${tokens[role]}` });
const workflowId = workOrderWorkflowId('plant1', ORDER);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mes-drift-'));
  engine = await startTestEngine();
  // No scrap and a steady 180 °C until the test makes it drift: every count and value is the test's doing.
  sim = await startOpcuaLine({
    machines: [{ code: OVEN, cycleMs: CYCLE_MS, scrapRate: 0, temperature: { start: 180, driftPerCycle: 0, noise: 0 } }],
    certDir: path.join(dir, 'pki-sim'),
    running: false,
  });
});

afterAll(async () => {
  // Each server is stopped even when another one's stop fails.
  const stops: Array<() => Promise<unknown> | undefined> = [() => api?.close(), () => gateway?.stop(), () => sim?.stop(), () => edgeNc?.close(), () => engine?.stop()];
  const failed: unknown[] = [];
  for (const stop of stops) await Promise.resolve(stop()).catch((err: unknown) => failed.push(err));
  if (dir) await rm(dir, { recursive: true, force: true });
  if (failed.length > 0) throw failed[0];
});

const status = (): Promise<WorkOrderStatus> => engine.services.client.workflow.getHandle(workflowId).query(statusQuery);
const until = (done: (s: WorkOrderStatus) => boolean, what: string) =>
  eventually(async () => {
    const s = await status();
    return done(s) ? s : undefined;
  }, what);
const made = () => sim.produced(OVEN).good;

/** The line makes pieces for `ms`, then stands still long enough for its last piece to be read. */
async function produce(ms: number): Promise<number> {
  const from = made();
  sim.setRunning(true);
  await sleep(ms);
  sim.setRunning(false);
  await sleep(CYCLE_MS + 200);
  return made() - from;
}

/** The idle oven heats 1 °C per cycle from 180 until past the 185 °C limit, then stays there (about 187). */
async function driftOutOfSpec(): Promise<void> {
  sim.drift(OVEN, 1);
  await waitFor('the oven past 186 °C', () => sim.temperature(OVEN) > 186, 10_000);
  sim.drift(OVEN, 0);
}

/** The order's goods movements of one type in the ERP simulator's ledger (a receipt's stock type when given). */
async function movementsOf(movementType: string, stockType?: 'blocked') {
  return (await ledgerFor(engine, ORDER)).filter((p) => p.kind === 'goods-movement' && p.movementType === movementType && (!stockType || p.stockType === stockType));
}
const sum = (postings: Array<{ items?: Array<{ quantity: string }> | null }>) =>
  postings.reduce((n, p) => n + (p.items ?? []).reduce((q, i) => q + Number(i.quantity), 0), 0);

async function notificationsOf(holdId: number) {
  return engine.erp.findPostings(`${workflowId}#${holdId}`, 'quality-notification');
}

describe('quality from a temperature drift: OPC UA server -> gateway -> NATS -> bridge -> work order -> ERP', () => {
  it('holds the out-of-spec window by itself, notifies the ERP once, confirms good before and after, the released pieces as good and the scrapped as scrap', async () => {
    const plant = PlantModel.parse({
      ...(await plantWithSimLine({
        endpoint: sim.endpoint, line: LINE, name: 'Cure line 4', countingPoints: [OVEN], cycleMs: CYCLE_MS,
        machines: [{ code: OVEN, name: 'Cure oven 1', dataType: 'UInt32', temperature: true }],
      })),
      quality: [{ site: 'plant1', characteristics: [
        { code: 'cure-temp', description: 'Cure temperature', line: LINE, material: 'BRACKET-A', operation: '0010', machine: OVEN, tag: 'temperature',
          unit: 'CEL', target: 180, lowerLimit: 175, upperLimit: 185, reaction: 'hold-continue', lot: 'since-last-good', blockedStock: true },
      ] }],
    });
    const { db, client } = engine.services;
    const { bridgeKnowsMachines } = await seedPlantForBridge(engine, plant);
    api = await buildPlannerApi({ db, client, webhookSecret: 'test-webhook-secret-not-for-production' });
    for (const role of ['planner', 'quality', 'operator'] as Role[]) tokens[role] = await issueToken(db, `test-${role}`, role);

    ({ gateway, nc: edgeNc } = await startLineGateway(engine, plant, LINE, dir, 100_000));
    await waitFor('both counters read once (their baseline)', async () => (await counterReadings(gateway)) >= 2);

    // Every good piece is confirmed as soon as it is counted (unless held): what is unconfirmed is what is held.
    const order = { ...release(ORDER, '100000', { line: LINE }), confirmationPolicy: { partialEvery: 1, goodsReceipt: true, overdeliveryTolerancePct: 10 } };
    expect((await api.inject().post('/orders').headers(auth('planner')).body(order)).statusCode).toBeLessThan(300);
    await eventually(async () => ((await api.inject().get(`/orders/plant1/${ORDER}`).headers(auth('planner'))).statusCode === 200 ? true : undefined), 'the order in the read model');
    await bridgeKnowsMachines();

    // Before: in spec, every piece confirmed.
    const before = await produce(1_000);
    expect(before).toBeGreaterThan(0);
    await until((s) => s.confirmedGood === before, `the ${before} pieces before the drift confirmed`);

    // The drift: the first value past 185 opens a hold (nothing unconfirmed is left to hold yet); every piece made
    // while the oven is out of spec joins it and none is confirmed, then a value back in spec closes the window.
    await driftOutOfSpec();
    const opened = await until((s) => s.qualityHolds.length === 1, 'an automatic hold');
    expect(opened.qualityHolds[0]).toMatchObject({ characteristic: 'cure-temp', quantity: 0, open: true, disposition: null });
    const window1 = await produce(1_000);
    expect(window1).toBeGreaterThan(0);
    const during = await until((s) => s.good === before + window1, 'the window\'s pieces on the order');
    expect(during).toMatchObject({ qualityHeld: window1, confirmedGood: before });
    expect(during.qualityHolds[0]!.measurements![0]!.value).toBeGreaterThan(185);
    sim.write(OVEN, 'Temperature', 180);
    await until((s) => s.qualityHolds[0]!.open === false, 'the window closed by an in-spec value');

    // After: good pieces flow and are confirmed; the held ones are not.
    const after = await produce(1_000);
    expect(after).toBeGreaterThan(0);
    const flowing = await until((s) => s.confirmedGood === before + after, 'the pieces after the drift confirmed');
    expect(flowing).toMatchObject({ good: before + window1 + after, qualityHeld: window1 });
    const hold = flowing.qualityHolds[0]!;
    expect(hold).toMatchObject({ quantity: window1, open: false });
    // The window's pieces in the ERP's blocked stock: received blocked with the notification and topped up when the
    // window closed, never as unrestricted stock.
    await until((s) => s.qualityHolds[0]!.blockedStock?.received === window1, 'the held pieces in blocked stock');
    expect(sum(await movementsOf('101', 'blocked'))).toBe(window1);
    // One quality notification, raised when the hold got its first pieces.
    expect(await eventually(async () => ((await notificationsOf(hold.id)).length > 0 ? notificationsOf(hold.id) : undefined), 'the quality notification')).toHaveLength(1);

    // Only the quality role decides; the refusal names the role.
    const disposition = (id: number) => `/orders/plant1/${ORDER}/quality-holds/${id}/disposition`;
    for (const role of ['planner', 'operator'] as Role[]) {
      const refused = await api.inject().post(disposition(hold.id)).headers(auth(role)).body({ decision: 'release' });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().detail).toMatch(new RegExp(`role ${role} may not POST`));
    }
    expect((await status()).qualityHeld).toBe(window1);
    expect((await api.inject().post(disposition(hold.id)).headers(auth('quality')).body({ decision: 'release' })).json()).toMatchObject({ qualityHeld: 0 });
    const good = before + window1 + after;
    await until((s) => s.confirmedGood === good, 'the released pieces confirmed');
    expect(sum(await movementsOf('343'))).toBe(window1);

    // A second drift, scrapped with a reason code.
    await driftOutOfSpec();
    await until((s) => s.qualityHolds.length === 2, 'a second automatic hold');
    const window2 = await produce(600);
    expect(window2).toBeGreaterThan(0);
    const second = await until((s) => s.good === good + window2, 'the second window\'s pieces on the order');
    expect(second).toMatchObject({ qualityHeld: window2, confirmedGood: good });
    sim.write(OVEN, 'Temperature', 180);
    await until((s) => s.qualityHolds[1]!.open === false, 'the second window closed');
    const secondId = second.qualityHolds[1]!.id;
    await until((s) => s.qualityHolds[1]!.blockedStock?.received === window2, 'the second window in blocked stock');
    const scrapped = await api.inject().post(disposition(secondId)).headers(auth('quality')).body({ decision: 'scrap', reasonCode: 'TEMP' });
    expect(scrapped.json()).toMatchObject({ good, scrap: window2, qualityHeld: 0 });

    await api.inject().post(`/orders/plant1/${ORDER}/complete`).headers(auth('planner')).body({});
    expect(await resultOf(engine.services.client.workflow.getHandle(workflowId))).toMatchObject({
      phase: 'confirmed', exception: null, good, scrap: window2, confirmedGood: good, confirmedScrap: window2,
    });

    // The ERP's ledger: every piece the oven made, the released ones as yield and the scrapped ones as scrap, each
    // posting once; one notification per hold.
    const ledger = await ledgerFor(engine, ORDER);
    const confirmations = ledger.filter((p) => p.kind === 'confirmation' && !p.cancelled);
    expect(confirmations.reduce((n, p) => n + Number(p.yieldQty), 0)).toBe(good);
    expect(confirmations.reduce((n, p) => n + Number(p.scrapQty ?? 0), 0)).toBe(window2);
    expect(good + window2).toBe(made());
    expect(new Set(ledger.map((p) => p.postingKey)).size).toBe(ledger.length);
    expect(await notificationsOf(hold.id)).toHaveLength(1);
    expect(await notificationsOf(secondId)).toHaveLength(1);
    // Stock: every piece received once (the released ones by their blocked receipt, not again with their
    // confirmation), the scrapped ones withdrawn from blocked stock, nothing left blocked.
    expect(sum(await movementsOf('101', 'blocked'))).toBe(window1 + window2);
    expect(sum(await movementsOf('101'))).toBe(made());
    expect(sum(await movementsOf('343'))).toBe(window1);
    expect(sum(await movementsOf('555'))).toBe(window2);
    const rec = await reconcileOrder({ client: engine.services.client, db: engine.services.db, erp: engine.erp }, 'plant1', ORDER);
    expect(rec.differences).toEqual([]);
  });
});
