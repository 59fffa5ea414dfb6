import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shiftOf } from '../../services/shift-calendar.js';
import { assignUnassigned } from '../../services/unassigned-production.js';
import { OPS_STREAM } from '../../bridge/streams.js';
import { shiftWorkflowId, workOrderWorkflowId } from '../../contracts/ids.js';
import { erpReleaseSubject } from '../../contracts/names.js';
import { unassignedProduction } from '../../schema/index.js';
import { shiftStatusQuery, statusQuery, completeOrderSignal } from '../../workflows/definitions.js';
import type { workOrderWorkflow } from '../../workflows/work-order.js';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { goodCounts, publishEvents } from '../helpers/machine-events.js';

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => {
  await engine?.stop();
});

const release = (erpOrderId: string, line: string, quantity: string) => ({
  v: 1, site: 'plant1', erpOrderId, material: 'BRACKET-A', quantity, unit: 'PC', line, operation: '0010', releasedAt: '2026-01-05T06:00:00Z',
});
// Shifts close an hour after they end, so the test's production happens now (in whatever shift that is).
const T0 = Date.now() - 120_000;

async function releaseOrder(erpOrderId: string, line: string, quantity: string) {
  await jetstream(engine.services.nc).publish(erpReleaseSubject('plant1'), JSON.stringify(release(erpOrderId, line, quantity)), { msgID: `r-${erpOrderId}` });
  const h = engine.services.client.workflow.getHandle<typeof workOrderWorkflow>(workOrderWorkflowId('plant1', erpOrderId));
  await eventually(async () => ((await h.query(statusQuery)).phase === 'released' ? true : undefined), `order ${erpOrderId} released`);
  // The read model row is what the bridge's context reads; wait until it is there.
  await eventually(async () => {
    const rows = await engine.services.db.query.workOrders.findMany({ where: (w, { eq: e }) => e(w.workflowId, h.workflowId) });
    return rows.length > 0 ? true : undefined;
  }, 'read model row');
  return h;
}

describe('signal bridge against real NATS, Temporal and PostgreSQL', () => {
  it('keeps production before release as unassigned, then applies it when a planner assigns it', async () => {
    const early = goodCounts({ line: 'line-1', machine: 'press-1', n: 5, startMs: T0, delta: 2, prefix: 'early' });
    await publishEvents(engine.services.nc, early);
    const rows = await eventually(async () => {
      const r = await engine.services.db.select().from(unassignedProduction).where(eq(unassignedProduction.machineCode, 'press-1'));
      return r.length === 5 ? r : undefined;
    }, 'unassigned rows');
    expect(rows.every((r) => r.reason === 'no-active-order' && r.good === 2 && r.status === 'open')).toBe(true);
    const jsm = await jetstreamManager(engine.services.nc);
    const exception = await jsm.streams.getMessage(OPS_STREAM, { last_by_subj: 'ops.plant1.exception.signal-bridge' });
    expect(exception?.json<{ unassigned: Array<{ reason: string }> }>().unassigned[0]?.reason).toBe('no-active-order');

    const h = await releaseOrder('3000001', 'line-1', '1000');
    await publishEvents(engine.services.nc, goodCounts({ line: 'line-1', machine: 'press-1', n: 10, startMs: T0 + 60_000, delta: 3, prefix: 'live' }));
    await eventually(async () => ((await h.query(statusQuery)).good === 30 ? true : undefined), 'live counts applied');

    const r = await assignUnassigned(
      { db: engine.services.db, client: engine.services.client },
      { site: 'plant1', erpOrderId: '3000001', eventIds: rows.map((x) => x.eventId), assignedBy: 'planner-ann' },
    );
    expect(r).toEqual({ assigned: 5, good: 10, scrap: 0 });
    // Assigning again changes nothing: the rows are no longer open, and the workflow knows the ids.
    expect((await assignUnassigned({ db: engine.services.db, client: engine.services.client }, { site: 'plant1', erpOrderId: '3000001', eventIds: rows.map((x) => x.eventId), assignedBy: 'x' })).assigned).toBe(0);
    await eventually(async () => ((await h.query(statusQuery)).good === 40 ? true : undefined), 'assigned counts applied');

    const slot = shiftOf(new Date(T0).toISOString(), 'Europe/Berlin');
    const shift = engine.services.client.workflow.getHandle(shiftWorkflowId('plant1', 'line-1', slot.date, slot.shiftCode));
    // The shift saw all 15 events at arrival, assigned or not: 5 x 2 early, 10 x 3 live.
    await eventually(async () => ((await shift.query(shiftStatusQuery)).eventsApplied === 15 ? true : undefined), 'shift counts');
    expect(await shift.query(shiftStatusQuery)).toMatchObject({ good: 40, eventsApplied: 15, quality: 1 });
  });

  it('terminates malformed messages with the reason, and keeps the stream moving', async () => {
    const h = await releaseOrder('3000002', 'line-2', '100000');
    const js = jetstream(engine.services.nc);
    await js.publish('mes.plant1.line-2.robot-1.counter', 'not json');
    await js.publish('mes.plant1.line-2.robot-1.counter', JSON.stringify({ v: 1, events: [{ v: 1, eventId: 'x', kind: 'counter' }] }));
    await publishEvents(engine.services.nc, goodCounts({ line: 'line-2', machine: 'robot-1', n: 50, startMs: T0, stepMs: 10, prefix: 'after-bad' }));
    await eventually(async () => ((await h.query(statusQuery)).good === 50 ? true : undefined), 'valid events after the bad ones');
    expect((await engine.services.bridgeMetrics.malformed.get()).values[0]?.value).toBe(2);
    const jsm = await jetstreamManager(engine.services.nc);
    const last = await jsm.streams.getMessage(OPS_STREAM, { last_by_subj: 'ops.plant1.exception.signal-bridge' });
    expect(last?.json<{ reason?: string }>().reason).toMatch(/site|line|machine|Invalid/);
    await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'test' });
    await h.result();
  });

  it('tells each site about its own unassigned production, even when sites share a round', async () => {
    // Machines no site knows: their counts are unassigned ('unknown-machine'); one round may carry both sites.
    const here = goodCounts({ line: 'line-9', machine: 'ghost-1', n: 3, startMs: T0, prefix: 'ghost-here' });
    const there = goodCounts({ site: 'plant9', line: 'line-9', machine: 'ghost-2', n: 3, startMs: T0, prefix: 'ghost-there' });
    await publishEvents(engine.services.nc, here.flatMap((e, i) => [e, there[i]!]), 1);
    const jsm = await jetstreamManager(engine.services.nc);
    type Unassigned = { unassigned: Array<{ eventId: string; machine: string }> };
    const seen = async (site: string, machine: string) => {
      await eventually(async () => {
        const m = await jsm.streams.getMessage(OPS_STREAM, { last_by_subj: `ops.${site}.exception.signal-bridge` }).catch(() => null);
        // Whatever a site's exception lists belongs to that site.
        for (const u of m?.json<Unassigned>().unassigned ?? []) expect(u.machine).toBe(machine);
        return m && m.json<Unassigned>().unassigned.some((u) => u.machine === machine) ? true : undefined;
      }, `exception on ops.${site}`);
    };
    await seen('plant1', 'ghost-1');
    await seen('plant9', 'ghost-2');
  });

  it('listens again for order changes after its LISTEN connection was dropped', async () => {
    const { db } = engine.services;
    const lineContext = engine.services.lineContext!;
    await db.execute(sql`select pg_terminate_backend(pid) from pg_stat_activity where query ilike 'listen%'`);
    await new Promise((r) => setTimeout(r, 200));
    await lineContext.resolve([['plant1', 'robot-1']]); // a round re-establishes the listener
    const before = lineContext.invalidations;
    await db.execute(sql`select pg_notify('line_context', 'plant1/line-2')`);
    await eventually(async () => (lineContext.invalidations > before ? true : undefined), 'a notification after reconnecting');
  });

  it('carries a work order through 200,000 events, continuing as new, with exact counts', async () => {
    const h = await releaseOrder('3000003', 'line-2', '200000');
    const firstRun = (await h.describe()).runId;
    const events = goodCounts({ line: 'line-2', machine: 'robot-1', n: 200_000, startMs: T0 + 5_000, stepMs: 1, prefix: 'bulk' });
    const t0 = performance.now();
    await publishEvents(engine.services.nc, events, 500, 4);
    const done = await h.result();
    const seconds = (performance.now() - t0) / 1000;
    expect(done).toMatchObject({ phase: 'confirmed', good: 200_000, eventsApplied: 200_000 });
    const first = await engine.services.client.workflow.getHandle(h.workflowId, firstRun).describe();
    expect(first.status.name).toBe('CONTINUED_AS_NEW');
    // Every run of the chain stays inside Temporal's limits (51,200 events); the last one is the smallest.
    expect((await h.describe()).historyLength).toBeLessThan(51_200);
    expect((await engine.services.client.workflow.getHandle(h.workflowId, firstRun).describe()).historyLength).toBeLessThan(51_200);
    process.stderr.write(`200,000 events to a confirmed order in ${seconds.toFixed(1)} s\n`);
  });
});
