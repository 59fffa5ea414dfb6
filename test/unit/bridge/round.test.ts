import { describe, expect, it } from 'vitest';
import type { MachineEvent } from '../../../contracts/messages/machine-event.js';
import type { ShiftDelta } from '../../../contracts/messages/outbox-delta.js';
import { sumOrderDeltas, sumShiftDeltas } from '../../../bridge/deltas.js';
import { planRound, roundEventIds } from '../../../bridge/round.js';
import { routeEvents, type MachineContext } from '../../../bridge/route.js';
import { defaultShiftCalendar } from '../../../shifts/calendar-of.js';

const base = { v: 1 as const, site: 'plant1', line: 'line-2', tag: 'ns=2;s=x', quality: 'good' as const };
const at = (min: number) => new Date(Date.UTC(2026, 0, 5, 7, min)).toISOString();
const counter = (id: string, machine: string, c: 'good' | 'scrap' | 'total', delta: number, min = 0): MachineEvent => ({
  ...base, line: lineOf(machine), eventId: id, machine, sourceTime: at(min), kind: 'counter', counter: c, delta, raw: delta,
});
const state = (id: string, machine: string, s: 'running' | 'fault', min: number): MachineEvent => ({
  ...base, line: lineOf(machine), eventId: id, machine, sourceTime: at(min), kind: 'state', state: s, previous: null,
});
const order = { workflowId: 'work-order:plant1:1', erpOrderId: '1', material: 'BRACKET-A', operation: '0010' };
const ctx: Record<string, MachineContext> = {
  'robot-1': { site: 'plant1', line: 'line-2', calendar: defaultShiftCalendar('Europe/Berlin'), countingPoint: true, measuredTags: [], activeOrder: order },
  'robot-2': { site: 'plant1', line: 'line-2', calendar: defaultShiftCalendar('Europe/Berlin'), countingPoint: true, measuredTags: [], activeOrder: order },
  'press-1': { site: 'plant1', line: 'line-1', calendar: defaultShiftCalendar('Europe/Berlin'), countingPoint: true, measuredTags: [], activeOrder: null },
  // In series before robot-1: it counts the same pieces, so it is not a counting point.
  'feeder-1': { site: 'plant1', line: 'line-2', calendar: defaultShiftCalendar('Europe/Berlin'), countingPoint: false, measuredTags: [], activeOrder: order },
};
/** An event names its machine's line, as the edge sends it (the bridge parks one that does not: lineMismatch). */
const lineOf = (machine: string) => ctx[machine]?.line ?? 'line-2';
const hold = (id: string, machine: string, delta: number, min = 0): MachineEvent => ({
  ...base, line: lineOf(machine), eventId: id, machine, sourceTime: at(min), kind: 'hold', counter: 'good', reason: 'implausible_rate', delta, limit: 3, elapsedMs: 1_000,
  raw: 45_003, readings: [{ raw: 45_000, sourceTime: at(min) }, { raw: 0, sourceTime: at(min) }, { raw: 45_003, sourceTime: at(min) }],
});
const route = (events: MachineEvent[]) => routeEvents(events.map((event, message) => ({ event, message })), (_s, m) => ctx[m] ?? null);

describe('planRound', () => {
  it('sums a round into one delta per workflow, counting only ids new to the seen table and first in the round', () => {
    const routing = route([
      counter('a', 'robot-1', 'good', 5, 1), counter('b', 'robot-1', 'scrap', 1, 2), counter('a', 'robot-1', 'good', 5, 1),
      counter('old', 'robot-2', 'good', 7, 3), counter('c', 'robot-2', 'good', 2, 4), counter('t', 'robot-2', 'total', 3, 4),
      state('s1', 'robot-1', 'fault', 5),
    ]);
    const ids = roundEventIds(routing);
    const plan = planRound(routing, new Set(ids.filter((id) => id !== 'old')));
    const order = plan.rows.find((r) => r.target.kind === 'work-order')!;
    expect(order).toMatchObject({ workflowId: 'work-order:plant1:1', target: { site: 'plant1', line: 'line-2' } });
    expect(order.delta).toEqual({
      duplicatesDropped: 2,
      machines: [
        { machine: 'robot-1', good: 5, scrap: 1, events: 2, lastSourceTime: at(2) },
        { machine: 'robot-2', good: 2, scrap: 0, events: 1, lastSourceTime: at(4) },
      ],
    });
    const shift = plan.rows.find((r) => r.target.kind === 'shift')!;
    expect(shift.delta).toEqual({
      duplicatesDropped: 2, alarmsRaised: 0,
      machines: [{ machine: 'robot-1', good: 5, scrap: 1, total: 0, events: 3 }, { machine: 'robot-2', good: 2, scrap: 0, total: 3, events: 2 }],
      states: [{ machine: 'robot-1', sourceTime: at(5), state: 'fault' }],
    });
    expect(plan.duplicates).toBe(2);
  });

  it('writes nothing for a workflow when nothing of the round is new or dropped, and keeps new unassigned production once', () => {
    const routing = route([counter('x', 'press-1', 'good', 3), counter('x', 'press-1', 'good', 3), counter('y', 'press-1', 'good', 1)]);
    const plan = planRound(routing, new Set(['x']));
    expect(plan.unassigned.map((u) => [u.count.eventId, u.reason])).toEqual([['x', 'no-active-order']]);
    expect(planRound(route([]), new Set()).rows).toEqual([]);
  });
});

describe('counting points and holds in a round', () => {
  it("adds a machine in series to no order or unassigned production; to its shift marked as not the line's output, and to its machine counts", () => {
    const routing = route([counter('f1', 'feeder-1', 'good', 4, 1), counter('r1', 'robot-1', 'good', 4, 1), counter('f2', 'feeder-1', 'scrap', 1, 2)]);
    const plan = planRound(routing, new Set(roundEventIds(routing)));
    expect(plan.rows.find((r) => r.target.kind === 'work-order')!.delta).toEqual({
      duplicatesDropped: 0, machines: [{ machine: 'robot-1', good: 4, scrap: 0, events: 1, lastSourceTime: at(1) }],
    });
    const shiftRow = plan.rows.find((r) => r.target.kind === 'shift')!.delta as ShiftDelta;
    expect(shiftRow.machines).toEqual([
      { machine: 'feeder-1', good: 4, scrap: 1, total: 0, events: 2, countingPoint: false },
      { machine: 'robot-1', good: 4, scrap: 0, total: 0, events: 1 },
    ]);
    // The relay's sum of a range keeps the mark, so the shift keeps the feeder's pieces out of the line's tally.
    expect(sumShiftDeltas([shiftRow, shiftRow]).machines[0]).toEqual({ machine: 'feeder-1', good: 8, scrap: 2, total: 0, events: 4, countingPoint: false });
    expect(plan.unassigned).toEqual([]);
    const slot = { site: 'plant1', line: 'line-2', shiftDate: '2026-01-05', shiftCode: 'A', events: 1 };
    expect(plan.machineCounts).toEqual([
      { ...slot, machine: 'feeder-1', counter: 'good', delta: 4 },
      { ...slot, machine: 'robot-1', counter: 'good', delta: 4 },
      { ...slot, machine: 'feeder-1', counter: 'scrap', delta: 1 },
    ]);
  });

  it('counts a machine count once: a seen id adds nothing to the machine counts', () => {
    const routing = route([counter('f1', 'feeder-1', 'good', 4, 1), counter('f1', 'feeder-1', 'good', 4, 1), counter('f0', 'feeder-1', 'good', 9, 1)]);
    expect(planRound(routing, new Set(['f1'])).machineCounts.map((m) => m.delta)).toEqual([4]);
  });

  it('records a hold once with the order in context and its shift, and counts nothing of it', () => {
    const routing = route([hold('h1', 'robot-1', 45_003), hold('h1', 'robot-1', 45_003), hold('h2', 'ghost-9', 7)]);
    expect(roundEventIds(routing)).toEqual(['h1', 'h1', 'h2']);
    const plan = planRound(routing, new Set(['h1', 'h2']));
    expect(plan.rows).toEqual([]);
    expect(plan.unassigned).toEqual([]);
    expect(plan.machineCounts).toEqual([]);
    expect(plan.holds.map((h) => [h.hold.eventId, h.order?.workflowId ?? null, h.shift, h.countingPoint])).toEqual([
      ['h1', 'work-order:plant1:1', { site: 'plant1', line: 'line-2', date: '2026-01-05', shiftCode: 'A', startsAt: '2026-01-05T05:00:00.000Z', endsAt: '2026-01-05T13:00:00.000Z' }, true],
      // A machine the plant model does not know: no order, no shift; accepted, it goes to unassigned production.
      ['h2', null, null, true],
    ]);
    expect(planRound(routing, new Set()).holds).toEqual([]);
  });
});

describe('summing a range', () => {
  it('adds rows per machine, keeps the latest source time and the state changes in order', () => {
    const m = (good: number, t: string) => ({ machine: 'm1', good, scrap: 0, events: 1, lastSourceTime: t });
    expect(sumOrderDeltas([{ machines: [m(2, at(3))], duplicatesDropped: 1 }, { machines: [m(3, at(1)), { ...m(1, at(9)), machine: 'm2' }], duplicatesDropped: 0 }]))
      .toEqual({ duplicatesDropped: 1, machines: [m(5, at(3)), { ...m(1, at(9)), machine: 'm2' }].map((x) => (x.machine === 'm1' ? { ...x, events: 2 } : x)) });
    const s = (st: 'running' | 'fault', min: number) => ({ machine: 'm1', sourceTime: at(min), state: st });
    expect(sumShiftDeltas([
      { machines: [{ machine: 'm1', good: 1, scrap: 0, total: 1, events: 2 }], states: [s('running', 1)], alarmsRaised: 1, duplicatesDropped: 0 },
      { machines: [{ machine: 'm1', good: 2, scrap: 1, total: 3, events: 4 }], states: [s('fault', 2)], alarmsRaised: 0, duplicatesDropped: 3 },
    ])).toEqual({ machines: [{ machine: 'm1', good: 3, scrap: 1, total: 4, events: 6 }], states: [s('running', 1), s('fault', 2)], alarmsRaised: 1, duplicatesDropped: 3 });
  });

  it('carries alarm changes to the shift in order (the reason of a stop), and no alarms key when there were none', () => {
    const a = (active: boolean, min: number) => ({ machine: 'm1', sourceTime: at(min), code: 'E-101', active });
    const row = (alarms?: ReturnType<typeof a>[]) => ({ machines: [], states: [], alarmsRaised: alarms?.filter((x) => x.active).length ?? 0, duplicatesDropped: 0, ...(alarms ? { alarms } : {}) });
    expect(sumShiftDeltas([row([a(true, 1)]), row(), row([a(false, 3), a(true, 4)])])).toMatchObject({ alarms: [a(true, 1), a(false, 3), a(true, 4)], alarmsRaised: 2 });
    expect(sumShiftDeltas([row(), row()])).not.toHaveProperty('alarms');
    const plan = planRound(route([{ ...base, eventId: 'al', machine: 'robot-1', sourceTime: at(5), tag: 'alarm', kind: 'alarm', code: 'E-101', active: true }]), new Set(['al']));
    expect(plan.rows.find((r) => r.target.kind === 'shift')?.delta).toMatchObject({ alarmsRaised: 1, alarms: [{ machine: 'robot-1', sourceTime: at(5), code: 'E-101', active: true }] });
  });
});
