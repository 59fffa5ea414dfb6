import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultShiftCalendar } from '../../shifts/calendar-of.js';
import { shiftOf } from '../../shifts/shift-of.js';
import { assignUnassigned } from '../../services/unassigned-production.js';
import { OPS_EXCEPTIONS_STREAM } from '../../contracts/streams.js';
import { shiftWorkflowId } from '../../contracts/ids.js';
import { unassignedProduction } from '../../schema/index.js';
import { shiftStatusQuery, statusQuery, completeOrderSignal } from '../../workflows/definitions.js';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { goodCounts, publishEvents } from '../helpers/machine-events.js';
import { releaseOrder } from '../helpers/release.js';
import { resultOf } from '../helpers/workflow-result.js';

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => {
  await engine?.stop();
});

// Shifts close an hour after they end, so the test's production happens now (in whatever shift that is).
const T0 = Date.now() - 120_000;

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
    const exception = await jsm.streams.getMessage(OPS_EXCEPTIONS_STREAM, { last_by_subj: 'ops.plant1.exception.signal-bridge' });
    expect(exception?.json<{ unassigned: Array<{ reason: string }> }>().unassigned[0]?.reason).toBe('no-active-order');

    const h = await releaseOrder(engine, '3000001', 'line-1', '1000');
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

    const slot = shiftOf(new Date(T0).toISOString(), defaultShiftCalendar('Europe/Berlin'))!;
    const shift = engine.services.client.workflow.getHandle(shiftWorkflowId('plant1', 'line-1', slot.date, slot.shiftCode));
    // The shift saw all 15 events at arrival, assigned or not: 5 x 2 early, 10 x 3 live.
    await eventually(async () => ((await shift.query(shiftStatusQuery)).eventsApplied === 15 ? true : undefined), 'shift counts');
    expect(await shift.query(shiftStatusQuery)).toMatchObject({ good: 40, eventsApplied: 15, quality: 1 });
  });

  it('terminates malformed messages with the reason, and keeps the stream moving', async () => {
    const h = await releaseOrder(engine, '3000002', 'line-2', '100000');
    const js = jetstream(engine.services.nc);
    await js.publish('mes.plant1.line-2.robot-1.counter', 'not json');
    await js.publish('mes.plant1.line-2.robot-1.counter', JSON.stringify({ v: 1, events: [{ v: 1, eventId: 'x', kind: 'counter' }] }));
    await publishEvents(engine.services.nc, goodCounts({ line: 'line-2', machine: 'robot-1', n: 50, startMs: T0, stepMs: 10, prefix: 'after-bad' }));
    await eventually(async () => ((await h.query(statusQuery)).good === 50 ? true : undefined), 'valid events after the bad ones');
    expect((await engine.services.bridgeMetrics.malformed.get()).values[0]?.value).toBe(2);
    const jsm = await jetstreamManager(engine.services.nc);
    const last = await jsm.streams.getMessage(OPS_EXCEPTIONS_STREAM, { last_by_subj: 'ops.plant1.exception.signal-bridge' });
    expect(last?.json<{ reason?: string }>().reason).toMatch(/site|line|machine|Invalid/);
    await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'test' });
    await resultOf(h);
  });

  it('parks the one message whose data PostgreSQL refuses, applies the rest of its round, and does not take it back', async () => {
    const { db, nc, bridgeMetrics } = engine.services;
    const count = async (c: { get(): Promise<{ values: Array<{ value: number }> }> }) => (await c.get()).values[0]?.value ?? 0;
    const [parkedBefore, naksBefore] = [await count(bridgeMetrics.parked), await count(bridgeMetrics.redelivered)];
    // Stands in for data the database refuses (the contract leaves none it knows of): SQLSTATE 22023 for one event id.
    await db.execute(sql.raw(`create function refuse_poison() returns trigger language plpgsql as $$ begin
        if new.event_id like 'poison:%' then raise exception 'test refuses %', new.event_id using errcode = '22023'; end if;
        return new; end $$;
      create trigger refuse_poison before insert on seen_events for each row execute function refuse_poison()`));
    try {
      const h = await releaseOrder(engine, '3000004', 'line-2', '100000');
      // One poisoned message among 20 good ones, published together so that they share rounds.
      await Promise.all([
        publishEvents(nc, goodCounts({ line: 'line-2', machine: 'robot-1', n: 1, startMs: T0 + 5_000, delta: 100, prefix: 'poison' })),
        publishEvents(nc, goodCounts({ line: 'line-2', machine: 'robot-1', n: 20, startMs: T0 + 10_000, stepMs: 10, delta: 1, prefix: 'beside-poison' }), 1),
      ]);
      await eventually(async () => ((await h.query(statusQuery)).good === 20 ? true : undefined), 'the poisoned message\'s round applied');
      const jsm = await jetstreamManager(nc);
      const parked = await eventually(async () => {
        const m = await jsm.streams.getMessage(OPS_EXCEPTIONS_STREAM, { last_by_subj: 'ops.plant1.exception.signal-bridge' }).catch(() => null);
        const body = m?.json<{ subject?: string; reason?: string; payload?: string }>();
        return body?.reason?.includes('SQLSTATE 22023') ? body : undefined;
      }, 'the poisoned message parked');
      expect(parked.subject).toBe('mes.plant1.line-2.robot-1.counter');
      expect(parked.reason).toContain('PostgreSQL refused its data');
      // Whole, so it can be published again once the cause is fixed.
      expect(JSON.parse(parked.payload!)).toMatchObject({ v: 1, events: [{ eventId: `poison:good:${T0 + 5_000}`, delta: 100 }] });
      // Longer than the bridge's 2 s redelivery delay: a poisoned message that came back would be parked again.
      await new Promise((r) => setTimeout(r, 3_000));
      expect(await count(bridgeMetrics.parked)).toBe(parkedBefore + 1);
      expect(await count(bridgeMetrics.redelivered)).toBe(naksBefore);
      expect((await h.query(statusQuery)).good).toBe(20);
      await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'test' });
      await resultOf(h);
    } finally {
      await db.execute(sql.raw('drop trigger refuse_poison on seen_events; drop function refuse_poison()'));
    }
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
        const m = await jsm.streams.getMessage(OPS_EXCEPTIONS_STREAM, { last_by_subj: `ops.${site}.exception.signal-bridge` }).catch(() => null);
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
});
