import { describe, expect, it } from 'vitest';
import type { MachineEvent } from '../../../contracts/messages/machine-event.js';
import { sumOrderDeltas, sumShiftDeltas } from '../../../bridge/deltas.js';
import { planRound, roundEventIds } from '../../../bridge/round.js';
import { routeEvents, type MachineContext } from '../../../bridge/route.js';

const base = { v: 1 as const, site: 'plant1', line: 'line-2', tag: 'ns=2;s=x', quality: 'good' as const };
const at = (min: number) => new Date(Date.UTC(2026, 0, 5, 7, min)).toISOString();
const counter = (id: string, machine: string, c: 'good' | 'scrap' | 'total', delta: number, min = 0): MachineEvent => ({
  ...base, eventId: id, machine, sourceTime: at(min), kind: 'counter', counter: c, delta, raw: delta,
});
const state = (id: string, machine: string, s: 'running' | 'fault', min: number): MachineEvent => ({
  ...base, eventId: id, machine, sourceTime: at(min), kind: 'state', state: s, previous: null,
});
const ctx: Record<string, MachineContext> = {
  'robot-1': { site: 'plant1', line: 'line-2', timezone: 'Europe/Berlin', activeOrder: { workflowId: 'work-order:plant1:1', erpOrderId: '1' } },
  'robot-2': { site: 'plant1', line: 'line-2', timezone: 'Europe/Berlin', activeOrder: { workflowId: 'work-order:plant1:1', erpOrderId: '1' } },
  'press-1': { site: 'plant1', line: 'line-1', timezone: 'Europe/Berlin', activeOrder: null },
};
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
});
