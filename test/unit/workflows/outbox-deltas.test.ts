import { describe, expect, it } from 'vitest';
import type { OrderReleased } from '../../../contracts/messages/order-release.js';
import type { MachineDeltas, ProductionDeltas } from '../../../contracts/messages/outbox-delta.js';
import { HighWater } from '../../../workflows/high-water.js';
import { ShiftState } from '../../../workflows/shift-state.js';
import { WorkOrderState } from '../../../workflows/work-order-state.js';

const release: OrderReleased = {
  v: 1, site: 'plant1', erpOrderId: '1', material: 'A', quantity: '1000', unit: 'PC', line: 'line-1', operation: '0010',
  releasedAt: '2026-01-05T06:00:00Z',
};
const order = (fromSeq: number, toSeq: number, good: number, events = good, duplicatesDropped = 0): ProductionDeltas => ({
  v: 1, source: 'outbox', fromSeq, toSeq, duplicatesDropped,
  machines: [{ machine: 'm1', good, scrap: 0, events, lastSourceTime: '2026-01-05T07:00:00Z' }],
});

describe('HighWater', () => {
  it('applies the next range, drops repeats, refuses partial overlaps, and accepts a range after a gap', () => {
    const h = new HighWater();
    expect(h.carry()).toBeUndefined();
    expect(h.take('outbox', 1, 3)).toBe('apply');
    expect(h.take('outbox', 1, 3)).toBe('repeat');
    expect(h.take('outbox', 2, 3)).toBe('repeat');
    expect(h.take('outbox', 3, 5)).toBe('overlap');
    expect(h.take('outbox', 4, 5)).toBe('apply');
    expect(h.take('outbox', 9, 9)).toBe('apply');
    expect(h.take('other', 1, 1)).toBe('apply');
    expect(new HighWater(h.carry()).mark('outbox')).toBe(9);
  });
});

describe('WorkOrderState with outbox deltas', () => {
  it('applies each range once, keeps the meaning of the status fields, and carries only a mark', () => {
    const s = new WorkOrderState('wf', release);
    s.applyDeltas(order(1, 2, 10, 5, 1));
    s.applyDeltas(order(1, 2, 10, 5, 1)); // a relay sending again after a crash
    s.applyDeltas(order(3, 3, 4));
    expect(s.status()).toMatchObject({ phase: 'running', good: 14, eventsApplied: 9, duplicatesDropped: 1 });
    const carry = s.carry();
    expect(carry.highWater).toEqual({ outbox: 3 });
    expect(carry.seenIds).toEqual([]);
    const next = new WorkOrderState('wf', release, carry);
    next.applyDeltas(order(3, 3, 4));
    expect(next.good).toBe(14);
  });

  it('keeps the pieces of a range that came after the order closed, under the range id the relay uses', () => {
    const s = new WorkOrderState('work-order:plant1:1', release);
    s.closeAs('confirming');
    s.applyDeltas(order(5, 7, 3));
    s.applyDeltas(order(5, 7, 3));
    expect(s.takeLateCounts()).toEqual([{ eventId: 'work-order:plant1:1#5-7:m1', machine: 'm1', sourceTime: '2026-01-05T07:00:00Z', good: 3, scrap: 0 }]);
  });

  it('carries exactly what it carried before when no delta ever came', () => {
    expect('highWater' in new WorkOrderState('wf', release).carry()).toBe(false);
  });
});

describe('ShiftState with outbox deltas', () => {
  const shift = { site: 'plant1', line: 'line-1', date: '2026-01-05', shiftCode: 'A', startsAt: '2026-01-05T05:00:00Z', endsAt: '2026-01-05T13:00:00Z' };
  const d = (fromSeq: number, toSeq: number): MachineDeltas => ({
    v: 1, source: 'outbox', fromSeq, toSeq, alarmsRaised: 1, duplicatesDropped: 2,
    machines: [{ machine: 'm1', good: 8, scrap: 1, total: 9, events: 5 }],
    states: [{ machine: 'm1', sourceTime: '2026-01-05T05:00:00Z', state: 'running' }, { machine: 'm1', sourceTime: '2026-01-05T06:00:00Z', state: 'fault' }],
  });

  it('sums counters, keeps state changes, and applies a range once', () => {
    const s = new ShiftState(shift);
    s.applyDeltas(d(1, 1));
    s.applyDeltas(d(1, 1));
    const summary = s.summary(Date.parse('2026-01-05T07:00:00Z'));
    expect(summary).toMatchObject({ good: 8, scrap: 1, total: 9, alarmsRaised: 1, eventsApplied: 5, duplicatesDropped: 2, availability: 0.5 });
    expect(s.carry().highWater).toEqual({ outbox: 1 });
  });
});
