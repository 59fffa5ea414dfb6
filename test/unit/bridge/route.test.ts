import { describe, expect, it } from 'vitest';
import type { MachineEvent } from '../../../contracts/messages/machine-event.js';
import { orderDelta } from '../../../bridge/deltas.js';
import { lineMismatch, routeEvents, type MachineContext } from '../../../bridge/route.js';
import { ShiftCalendar } from '../../../contracts/messages/shift-calendar.js';
import { OFF_SHIFT } from '../../../contracts/shift-time.js';
import { defaultShiftCalendar } from '../../../shifts/calendar-of.js';

const base = { v: 1 as const, site: 'plant1', line: 'line-2', tag: 'ns=2;s=x', quality: 'good' as const };
const counter = (id: string, machine: string, counterKind: 'good' | 'scrap' | 'total', delta: number, sourceTime = '2026-01-05T07:00:00Z'): MachineEvent => ({
  ...base, line: lineOf(machine), eventId: id, machine, sourceTime, kind: 'counter', counter: counterKind, delta, raw: delta,
});
// robot-1's temperature measures a characteristic of the active order's material and operation; its humidity one of another operation.
const measuredTags = [{ tag: 'temperature', material: 'BRACKET-A', operation: '0010' }, { tag: 'humidity', material: 'BRACKET-A', operation: '0020' }];
const ctx: Record<string, MachineContext> = {
  'robot-1': {
    site: 'plant1', line: 'line-2', calendar: defaultShiftCalendar('Europe/Berlin'), countingPoint: true, measuredTags,
    activeOrder: { workflowId: 'work-order:plant1:1', erpOrderId: '1', material: 'BRACKET-A', operation: '0010' },
  },
  'press-1': { site: 'plant1', line: 'line-1', calendar: defaultShiftCalendar('Europe/Berlin'), countingPoint: true, measuredTags, activeOrder: null },
};
/** An event names its machine's line, as the edge sends it (the bridge parks one that does not: lineMismatch). */
const lineOf = (machine: string) => ctx[machine]?.line ?? 'line-2';
const lookup = (_site: string, m: string) => ctx[m] ?? null;

describe('routeEvents', () => {
  it('sends counts to the active order and to the shift they happened in', () => {
    const r = routeEvents(
      [
        { event: counter('a', 'robot-1', 'good', 5), message: 0 },
        { event: counter('b', 'robot-1', 'scrap', 1), message: 1 },
        { event: counter('c', 'robot-1', 'total', 6), message: 1 },
        { event: counter('late', 'robot-1', 'good', 2, '2026-01-05T04:00:00Z'), message: 2 },
      ],
      lookup,
    );
    const order = r.orders.get('work-order:plant1:1')!;
    expect(order.events.map((e) => [e.eventId, e.good, e.scrap])).toEqual([['a', 5, 0], ['b', 0, 1], ['late', 2, 0]]);
    expect([...order.messages]).toEqual([0, 1, 2]);
    expect([...r.shifts.keys()]).toEqual(['shift:plant1:line-2:2026-01-05:A', 'shift:plant1:line-2:2026-01-04:C']);
    expect(r.shifts.get('shift:plant1:line-2:2026-01-05:A')!.events).toHaveLength(3);
    expect(r.shifts.get('shift:plant1:line-2:2026-01-04:C')!.input).toMatchObject({ shiftCode: 'C', date: '2026-01-04' });
  });

  it('outside every shift of the line\'s calendar: counts reach the order and the machine counts, states no shift', () => {
    // Weekdays only: Saturday 10 January 2026 has no shift.
    const calendar = ShiftCalendar.parse({
      timeZone: 'Europe/Berlin',
      versions: [{ validFrom: '2026-01-01T00:00:00Z', shifts: [{ code: 'A', start: '06:00', end: '14:00' }], workdays: ['mon', 'tue', 'wed', 'thu', 'fri'] }],
    });
    const weekdays = (_site: string, m: string) => (ctx[m] ? { ...ctx[m], calendar } : null);
    const saturday = '2026-01-10T09:00:00Z';
    const state: MachineEvent = { ...base, eventId: 's', machine: 'robot-1', sourceTime: saturday, kind: 'state', state: 'running', previous: null };
    const r = routeEvents([{ event: counter('sat', 'robot-1', 'good', 4, saturday), message: 0 }, { event: state, message: 1 }], weekdays);
    expect(r.orders.get('work-order:plant1:1')!.events.map((e) => e.eventId)).toEqual(['sat']);
    expect(r.shifts.size).toBe(0);
    expect(r.ignored).toEqual({ 'off-shift': 1 });
    expect(r.machineCounts.map((c) => [c.item.shiftDate, c.item.shiftCode])).toEqual([['2026-01-10', OFF_SHIFT]]);
  });

  it('returns production with no order or no machine as unassigned, never drops it', () => {
    const r = routeEvents(
      [
        { event: counter('x', 'press-1', 'good', 3), message: 0 },
        { event: counter('y', 'ghost-9', 'good', 1), message: 1 },
        { event: { ...base, eventId: 't', machine: 'ghost-9', sourceTime: '2026-01-05T07:00:00Z', kind: 'analog', value: 80, unit: 'C' }, message: 2 },
      ],
      lookup,
    );
    expect(r.unassigned.map((u) => [u.event.eventId, u.reason])).toEqual([['x', 'no-active-order'], ['y', 'unknown-machine']]);
    expect(r.orders.size).toBe(0);
    expect(r.ignored).toEqual({ 'unknown-machine': 1 });
  });

  it('routes an event naming another line than its machine\'s nowhere: misrouted, with the reason, never to that line\'s order', () => {
    // press-1 is a machine of line-1; an event saying line-2 must not reach line-2's order (robot-1's), nor line-1's.
    const wrong: MachineEvent = { ...counter('w', 'press-1', 'good', 4), line: 'line-2' };
    const hold: MachineEvent = {
      ...base, line: 'line-2', eventId: 'h', machine: 'press-1', sourceTime: '2026-01-05T07:00:00Z', kind: 'hold', counter: 'good',
      reason: 'implausible_rate', delta: 9, elapsedMs: 10, raw: 9, readings: [{ raw: 0, sourceTime: '2026-01-05T07:00:00Z' }],
    };
    const r = routeEvents([{ event: wrong, message: 0 }, { event: hold, message: 1 }, { event: counter('ok', 'robot-1', 'good', 1), message: 2 }], lookup);
    expect(r.misrouted.map((m) => [m.event.eventId, m.message])).toEqual([['w', 0], ['h', 1]]);
    expect(r.misrouted[0]!.reason).toBe(
      'machine press-1 of site plant1 belongs to line line-1 in the plant model, not to line line-2 the event names: ' +
        'not routed, so its pieces cannot reach another line\'s order (check the edge\'s plant file)',
    );
    expect(r.orders.get('work-order:plant1:1')!.events.map((e) => e.eventId)).toEqual(['ok']);
    expect([...r.shifts.keys()]).toEqual(['shift:plant1:line-2:2026-01-05:A']);
    expect(r.shifts.get('shift:plant1:line-2:2026-01-05:A')!.events.map((e) => e.eventId)).toEqual(['ok']);
    expect(r.holds).toEqual([]);
    expect(r.unassigned).toEqual([]);
    expect(r.machineCounts.map((m) => m.eventId)).toEqual(['ok']);
  });

  it("gives a machine that is not a counting point its pieces in the shift (marked as its own), never an order's or unassigned", () => {
    // cut-1 is in series before robot-1 (line-2's counting point): the same pieces pass both.
    const cut = { ...ctx['robot-1']!, countingPoint: false };
    const withCut = (_site: string, m: string) => (m === 'cut-1' ? cut : lookup(_site, m));
    const noOrder = (_site: string, m: string) => (m === 'cut-1' ? { ...cut, activeOrder: null } : lookup(_site, m));
    const sunday = '2026-01-04T12:00:00Z';
    const calendar = ShiftCalendar.parse({
      timeZone: 'Europe/Berlin',
      versions: [{ validFrom: '2026-01-01T00:00:00Z', shifts: [{ code: 'A', start: '06:00', end: '14:00' }], workdays: ['mon', 'tue', 'wed', 'thu', 'fri'] }],
    });
    const events = [
      { event: counter('c1', 'cut-1', 'good', 6), message: 0 },
      { event: counter('c2', 'cut-1', 'scrap', 1), message: 0 },
      { event: counter('c3', 'cut-1', 'total', 7), message: 1 },
      { event: counter('r1', 'robot-1', 'good', 5), message: 1 },
    ];
    const r = routeEvents(events, withCut);
    expect(r.orders.get('work-order:plant1:1')!.events.map((e) => e.eventId)).toEqual(['r1']);
    const shift = r.shifts.get('shift:plant1:line-2:2026-01-05:A')!;
    expect(shift.events.map((e) => e.eventId)).toEqual(['c1', 'c2', 'c3', 'r1']);
    expect([...shift.notCounting]).toEqual(['cut-1']);
    expect([...shift.messages]).toEqual([0, 1]);
    expect(r.unassigned).toEqual([]);
    expect(r.machineCounts.map((m) => m.eventId)).toEqual(['c1', 'c2', 'c3', 'r1']);
    // Without an order its pieces are still not the line's production to assign.
    expect(routeEvents(events.slice(0, 1), noOrder).unassigned).toEqual([]);
    // Outside every shift: machine counts only (no shift to take them, and no order).
    const off = routeEvents([{ event: counter('c4', 'cut-1', 'good', 2, sunday), message: 0 }], (_s, m) => (m === 'cut-1' ? { ...cut, calendar } : null));
    expect([off.orders.size, off.shifts.size, off.unassigned.length, off.ignored]).toEqual([0, 0, 0, {}]);
    expect(off.machineCounts.map((m) => [m.eventId, m.item.shiftCode])).toEqual([['c4', OFF_SHIFT]]);
  });

  it('judges the line only for machines the plant model knows (an unknown machine stays unassigned production)', () => {
    expect(lineMismatch({ site: 'plant1', line: 'line-9', machine: 'ghost-9' }, null)).toBeNull();
    expect(lineMismatch({ site: 'plant1', line: 'line-1', machine: 'press-1' }, ctx['press-1']!)).toBeNull();
  });
});

describe('analog values', () => {
  const analog = (id: string, machine: string, value: number, quality: 'good' | 'uncertain' = 'good', sourceTime = '2026-01-05T07:00:00Z', tag = 'temperature'): MachineEvent => ({
    ...base, line: lineOf(machine), eventId: id, machine, tag, sourceTime, kind: 'analog', value, unit: 'CEL', quality,
  });

  it('reach the line\'s active order as measurements, in source-time order, each once; others are ignored', () => {
    const r = routeEvents(
      [
        { event: analog('t2', 'robot-1', 181, 'good', '2026-01-05T07:00:02Z'), message: 0 },
        { event: analog('t1', 'robot-1', 180, 'good', '2026-01-05T07:00:01Z'), message: 0 },
        { event: analog('u', 'robot-1', 999, 'uncertain'), message: 0 },
        { event: analog('p', 'press-1', 180), message: 1 },
      ],
      lookup,
    );
    expect(r.ignored).toEqual({ uncertain: 1, 'no-active-order': 1 });
    const g = r.orders.get('work-order:plant1:1')!;
    expect(g.measurements!.map((m) => [m.id, m.machine, m.tag, m.value])).toEqual([['t2', 'robot-1', 'temperature', 181], ['t1', 'robot-1', 'temperature', 180]]);
    const d = orderDelta(g.events, new Set(['t1', 't2']), [...g.measurements!, g.measurements![0]!])!;
    expect(d.measurements!.map((m) => m.id)).toEqual(['t1', 't2']);
    expect(d.duplicatesDropped).toBe(1);
    expect(orderDelta([], new Set(), g.measurements)).toMatchObject({ duplicatesDropped: 2 });
  });

  it('go to the order only from tags that measure a characteristic of its material and operation; the others are ignored as not measured', () => {
    const r = routeEvents(
      [
        { event: analog('t', 'robot-1', 180), message: 0 },
        // A characteristic of operation 0020, not the order's 0010; a tag no characteristic names; an unknown machine.
        { event: analog('h', 'robot-1', 40, 'good', '2026-01-05T07:00:00Z', 'humidity'), message: 0 },
        { event: analog('s', 'robot-1', 3, 'good', '2026-01-05T07:00:00Z', 'speed'), message: 1 },
        { event: analog('g', 'ghost-9', 180), message: 2 },
      ],
      lookup,
    );
    expect(r.orders.get('work-order:plant1:1')!.measurements!.map((m) => m.id)).toEqual(['t']);
    expect([...r.orders.get('work-order:plant1:1')!.messages]).toEqual([0]);
    expect(r.ignored).toEqual({ 'not-measured': 2, 'unknown-machine': 1 });
    // The same humidity value once the order is of operation 0020.
    const op20 = (_s: string, m: string) => (m === 'robot-1' ? { ...ctx['robot-1']!, activeOrder: { ...ctx['robot-1']!.activeOrder!, operation: '0020' } } : null);
    const h = routeEvents([{ event: analog('h', 'robot-1', 40, 'good', '2026-01-05T07:00:00Z', 'humidity'), message: 0 }], op20);
    expect(h.orders.get('work-order:plant1:1')!.measurements!.map((m) => [m.id, m.tag])).toEqual([['h', 'humidity']]);
    expect(h.ignored).toEqual({});
  });
});
