import { describe, expect, it } from 'vitest';
import { placeAcceptedHold } from '../../../db/counter-hold-decisions.js';
import type { CounterHoldRow } from '../../../db/counter-holds.js';

const row = (over: Partial<CounterHoldRow> = {}): CounterHoldRow => ({
  eventId: 'robot-1:good:hold:1', siteCode: 'plant1', lineCode: 'line-2', machineCode: 'robot-1', tag: 'ns=1;s=robot-1.Good', counter: 'good',
  reason: 'implausible_rate', delta: 30, limit: 3, elapsedMs: 2_000, raw: 45_030, readings: [], sourceTime: new Date('2026-01-05T07:00:00Z'),
  shiftDate: '2026-01-05', shiftCode: 'A', countingPoint: true, workflowId: 'work-order:plant1:1', erpOrderId: '1', status: 'held',
  decidedBy: null, decidedAt: null, decisionReason: null, countedTo: null, recordedAt: new Date(), ...over,
});
const machine = { site: 'plant1', line: 'line-2', machine: 'robot-1', shiftDate: '2026-01-05', shiftCode: 'A', counter: 'good', delta: 30, events: 1 };

describe('placeAcceptedHold', () => {
  it('sends a counting point\'s good delta to the order in context through the outbox, and to its machine counts', () => {
    expect(placeAcceptedHold(row())).toEqual({
      outbox: {
        workflowId: 'work-order:plant1:1', target: { kind: 'work-order', site: 'plant1', line: 'line-2' },
        delta: { machines: [{ machine: 'robot-1', good: 30, scrap: 0, events: 1, lastSourceTime: '2026-01-05T07:00:00.000Z' }], duplicatesDropped: 0 },
      },
      unassigned: null, machine, countedTo: 'work-order:plant1:1',
    });
  });

  it('makes it unassigned production under an id of the hold when no order was in context', () => {
    const w = placeAcceptedHold(row({ counter: 'scrap', workflowId: null, erpOrderId: null }));
    expect(w.outbox).toBeNull();
    expect(w.unassigned).toEqual({
      site: 'plant1', line: 'line-2', reason: 'no-active-order',
      count: { eventId: 'hold:robot-1:good:hold:1', machine: 'robot-1', sourceTime: '2026-01-05T07:00:00.000Z', good: 0, scrap: 30 },
    });
    expect(w.countedTo).toBe('unassigned');
  });

  it('keeps a machine in series, or a total counter, as machine data only', () => {
    expect(placeAcceptedHold(row({ countingPoint: false }))).toEqual({ outbox: null, unassigned: null, machine, countedTo: 'machine' });
    expect(placeAcceptedHold(row({ counter: 'total' }))).toMatchObject({ outbox: null, unassigned: null, countedTo: 'machine', machine: { counter: 'total' } });
  });

  it('has no machine counts to add to for a machine the plant model does not know (no shift)', () => {
    expect(placeAcceptedHold(row({ shiftDate: null, shiftCode: null, workflowId: null })).machine).toBeNull();
  });
});
