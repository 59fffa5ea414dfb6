import type { NatsConnection } from '@nats-io/transport-node';
import type { FastifyInstance } from 'fastify';
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../api/auth.js';
import { buildPlannerApi } from '../../api/app.js';
import { startCurrentShifts } from '../../bridge/shift-starter.js';
import { shiftWorkflowId } from '../../contracts/ids.js';
import type { ShiftSummary } from '../../contracts/messages/shift.js';
import { seedPlant } from '../../db/seed.js';
import { erpPostings } from '../../schema/index.js';
import { connectNats } from '../../workers/wiring/nats.js';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { publishEvents } from '../helpers/machine-events.js';
import { e2ePlant, eventOf, LINE, M1, M2, piecesOf, SCRIPT, shiftDate, SITE, T1_S, T2_S } from '../helpers/shift-e2e.js';
import { resultOf } from '../helpers/workflow-result.js';

// Issue 12's end-to-end "Done when": a line runs through a shift of its own calendar (3 minutes, a 1-minute break)
// with scripted stops, alarms, a micro-stop and an operator's reclassification through the API, events on NATS as
// the edge publishes them -> the signal bridge -> the shift workflow -> the ERP simulator with faults on. The figures
// are computed by hand below from the script (test/helpers/shift-e2e.ts); the ERP must hold exactly the postings the
// master data asks for, once each. A stop running across the shift's end shows in both shifts.

const LATE_GRACE_MS = 5_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let engine: TestEngine;
let nc: NatsConnection | undefined;
let api: FastifyInstance | undefined;

beforeAll(async () => {
  engine = await startTestEngine({ faults: { errorRate: 0.3, replyLossRate: 0.1, seed: 12 }, bridge: { relay: { shiftLateGraceMs: LATE_GRACE_MS } } });
});
afterAll(async () => {
  await api?.close();
  await nc?.close();
  await engine?.stop();
});

describe('a scripted line through a shift of its calendar', () => {
  it('gives the hand-computed OEE and downtime per reason and cost center, and the ERP exactly the configured postings, once each, through faults', async () => {
    // T1 starts on a whole minute (the calendar's resolution) far enough ahead to seed and let the bridge see the line.
    const t1 = Math.ceil((Date.now() + 40_000) / 60_000) * 60_000;
    const date = shiftDate(t1);
    const t1Id = shiftWorkflowId(SITE, LINE, date, 'T1');
    const t2Id = shiftWorkflowId(SITE, LINE, date, 'T2');
    await seedPlant(engine.services.db, await e2ePlant(t1));
    const nats = engine.stack.nats;
    nc = await connectNats({ url: nats.url, user: nats.user, password: nats.password }, 'edge-gateway');
    api = await buildPlannerApi({ db: engine.services.db, client: engine.services.client });
    const operator = await issueToken(engine.services.db, 'operator-12', 'operator');

    await sleep(t1 + 500 - Date.now());
    // On time, from the calendar, as the bridge's minute sweep starts it (not by the first event).
    expect(await startCurrentShifts(engine.services.db, engine.services.client, LATE_GRACE_MS)).toBeGreaterThanOrEqual(1);
    const t1Handle = engine.services.client.workflow.getHandle<(i: unknown) => Promise<ShiftSummary>>(t1Id);
    expect((await t1Handle.describe()).status.name).toBe('RUNNING');

    const report = async (code: string) => {
      const res = await api!.inject({ method: 'GET', url: `/shifts/${SITE}/${LINE}/${date}/${code}`, headers: { authorization: `Bearer ${operator}` } });
      return res.json() as { state: string; summary: ShiftSummary };
    };
    // The script, each step published when it happens (its source time), as the edge gateway does.
    const steps = [...SCRIPT].sort((a, b) => a.s - b.s);
    let n = 0;
    let reclassified = false;
    let perStopSeen = false;
    for (let i = 0; i < steps.length; ) {
      const s = steps[i]!.s;
      const now = steps.filter((x) => x.s === s);
      i += now.length;
      // The operator gives the 140-150 setup its real reason once it is over: a planned cleaning.
      if (!reclassified && s > 150) {
        // Once the shift has the setup's end (the bridge relays within seconds): its reason is still the state's.
        await eventually(async () => ((await report('T1')).summary.oee?.downtimeByReason.changeover?.ms === 10_000 ? true : undefined), 'the setup stop closed in T1', 20_000);
        const stopId = `${M1}@${new Date(t1 + 140_000).toISOString()}`;
        const res = await api.inject({
          method: 'POST', url: `/shifts/${SITE}/${LINE}/${date}/T1/stops/${encodeURIComponent(stopId)}/reason`,
          headers: { authorization: `Bearer ${operator}` }, payload: { reason: 'cleaning' },
        });
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json().oee.downtimeByReason.cleaning).toEqual({ stops: 1, ms: 10_000, microStops: 0, microMs: 0 });
        reclassified = true;
      }
      // The die-jam fault (20-40) is reported when it ends: the ERP holds it while T1 still runs.
      if (!perStopSeen && s >= 170) {
        const held = await eventually(async () => {
          const docs = (await engine.erp.listDowntime('1010')).filter((d) => d.machine === M1);
          return docs.length > 0 ? docs : undefined;
        }, 'the die-jam stop in the ERP before the shift ends', 20_000);
        expect(held.map((d) => d.endedAt)).toEqual([new Date(t1 + 40_000).toISOString()]);
        expect(Date.now()).toBeLessThan(t1 + T1_S * 1000);
        perStopSeen = true;
      }
      await sleep(t1 + s * 1000 + 50 - Date.now());
      // One batch per event: the edge batches per machine and kind.
      await publishEvents(nc, now.flatMap((x) => ('good' in x ? piecesOf(x, t1, date, n++) : [eventOf(x, t1, date, n++)])), 1);
    }

    await resultOf(t1Handle, 'T1 closed');
    // T1 started T2 at its end (handover), not an event.
    const t2Result = await resultOf(engine.services.client.workflow.getHandle<(i: unknown) => Promise<ShiftSummary>>(t2Id), 'T2 closed', 3 * 60_000);
    const t1Report = await report('T1');
    expect(t1Report.state).toBe('closed');
    const t1Sum = t1Report.summary;
    expect([Date.parse(t1Sum.shift.startsAt), Date.parse(t1Sum.shift.endsAt)]).toEqual([t1, t1 + T1_S * 1000]);

    // By hand, T1 of e2e-1 (seconds): 180 s shift - 60 s break - 10 s planned cleaning (140-150) = 110 s planned
    // production; unplanned stops that count: fault 20-40 (20), idle 120-130 outside the break (10), fault 170-180
    // (10); the 3-second fault is a micro-stop (a speed loss, it stays in run time): run = 110 - 40 = 70 s.
    // A = 70/110 = 7/11; P = 0.5 s x 126 pieces / 70 s = 9/10; Q = 120/126 = 20/21; OEE = 0.5 x 120 / 110 = 6/11.
    expect(t1Sum.oee?.machines[M1]).toMatchObject({ availability: 7 / 11, performance: 9 / 10, quality: 20 / 21, oee: 6 / 11, plannedProductionS: '110', runS: '70', good: 120, scrap: 6 });
    // e2e-2: 120 s planned, idle 10-25: run 105 s; A = 7/8, P = 0.5 x 150 / 105 = 5/7, Q = 1, OEE = 0.5 x 150 / 120 = 5/8.
    expect(t1Sum.oee?.machines[M2]).toMatchObject({ availability: 7 / 8, performance: 5 / 7, quality: 1, oee: 5 / 8, plannedProductionS: '120', runS: '105' });
    // The line's output is both machines' (its counting points), ratios of the sums: planned 110 + 120 = 230 s, run
    // 70 + 105 = 175 s, ideal time 0.5 x (126 + 150) = 138 s, good 270 of 276. A = 175/230, P = 138/175, Q = 270/276,
    // OEE = 0.5 x 270 / 230 = 27/46.
    expect(t1Sum.oee?.line).toMatchObject({ availability: 175 / 230, performance: 138 / 175, quality: 270 / 276, oee: 27 / 46, plannedProductionS: '230', runS: '175' });
    // Downtime outside the break, per reason and cost center (die-jam at reason level CC4900; e2e-1's own CC4150;
    // e2e-2 the line's CC4200).
    const d = (stops: number, ms: number, microStops = 0, microMs = 0) => ({ stops, ms, microStops, microMs });
    expect(t1Sum.oee?.downtimeByReason).toEqual({
      'die-jam': d(2, 23_000, 1, 3_000),
      'no-material': d(2, 10_000 + 15_000),
      cleaning: d(1, 10_000),
      'unexplained-fault': d(1, 10_000),
    });
    expect(t1Sum.oee?.downtimeByCostCenter).toEqual({ CC4900: d(2, 23_000, 1, 3_000), CC4150: d(3, 30_000), CC4200: d(1, 15_000) });
    expect(t1Sum.alarmsRaised).toBe(2);

    // T2: the fault from 170 goes on until 15 s into T2, under the same stop id (split at the boundary, in both
    // shifts). e2e-1: planned 60 s, run 45 s; A = 3/4, P = 0.5 x 80 / 45 = 8/9, Q = 1, OEE = 0.5 x 80 / 60 = 2/3.
    expect([Date.parse(t2Result.shift.startsAt), Date.parse(t2Result.shift.endsAt)]).toEqual([t1 + T1_S * 1000, t1 + (T1_S + T2_S) * 1000]);
    expect(t2Result.oee?.machines[M1]).toMatchObject({ availability: 3 / 4, performance: 8 / 9, quality: 1, oee: 2 / 3, runS: '45' });
    // e2e-2 runs through T2 without pieces: A = 1, P = 0. The line: planned 120 s, run 105 s, ideal 40 s, OEE = 40/120.
    expect(t2Result.oee?.machines[M2]).toMatchObject({ availability: 1, performance: 0, plannedProductionS: '60', runS: '60' });
    expect(t2Result.oee?.line).toMatchObject({ availability: 105 / 120, performance: 40 / 105, quality: 1, oee: 1 / 3 });
    expect(t2Result.oee?.downtimeByReason).toEqual({ 'unexplained-fault': d(1, 15_000) });

    // The ERP: what the master data asks for and nothing else. T1: die-jam 20-40 when it ended (key #1), then at the
    // close the cleaning as a Z1 notification and the fault's part up to T1's end; T2: the fault's rest.
    // Not: the micro-stop (die-jam, but a micro-stop), idle time and the setup's state reason (reported `none`).
    expect(t1Sum.downtime).toMatchObject({ records: 6, posted: 3, problems: [], byReport: { malfunction: 2, notification: 1, none: 3 } });
    expect(t2Result.downtime).toMatchObject({ records: 1, posted: 1, problems: [] });
    const iso = (s: number) => new Date(t1 + s * 1000).toISOString();
    const held = (await engine.erp.listDowntime('1010')).filter((x) => x.machine === M1 || x.machine === M2);
    const docs = held.map(({ machine, costCenter, state, startedAt, endedAt, durationMin }) => ({ machine, costCenter, state, startedAt, endedAt, durationMin }));
    expect(docs.sort((a, b) => a.startedAt!.localeCompare(b.startedAt!))).toEqual([
      { machine: M1, costCenter: 'CC4900', state: 'fault', startedAt: iso(20), endedAt: iso(40), durationMin: '0.333' },
      { machine: M1, costCenter: 'CC4150', state: 'setup', startedAt: iso(140), endedAt: iso(150), durationMin: '0.167' },
      { machine: M1, costCenter: 'CC4150', state: 'fault', startedAt: iso(170), endedAt: iso(180), durationMin: '0.167' },
      { machine: M1, costCenter: 'CC4150', state: 'fault', startedAt: iso(180), endedAt: iso(195), durationMin: '0.25' },
    ]);
    expect(held.find((x) => x.startedAt === iso(140))).toMatchObject({ notificationType: 'Z1', breakdown: false });
    // Our ledger and the ERP agree: keys #1-#3 of T1 in the order posted, #1 of T2, each in the ERP once.
    const rows = await engine.services.db.select().from(erpPostings).where(inArray(erpPostings.workflowId, [t1Id, t2Id]));
    expect(rows.map((r) => `${r.workflowId === t1Id ? 'T1' : 'T2'}#${r.postingSeq}:${r.status}`).sort()).toEqual(['T1#1:posted', 'T1#2:posted', 'T1#3:posted', 'T2#1:posted']);
    for (const r of rows) expect((await engine.erp.findPostings(r.postingKey, 'downtime')).length).toBe(1);
    // The faults happened and changed nothing above (four postings are too few to be sure of both kinds).
    expect(engine.erpFaults.counts.error + engine.erpFaults.counts['lose-reply']).toBeGreaterThan(0);
  });
});
