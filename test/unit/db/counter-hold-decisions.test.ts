import { describe, expect, it } from 'vitest';
import { placeAcceptedHold } from '../../../db/counter-hold-decisions.js';
import { mostExplained, type CounterHoldRow } from '../../../db/counter-holds.js';

const shift = { site: 'plant1', line: 'line-2', date: '2026-01-05', shiftCode: 'A', startsAt: '2026-01-05T05:00:00.000Z', endsAt: '2026-01-05T13:00:00.000Z' };
const shiftRow = (counter: string, delta = 30) => ({
  workflowId: 'shift:plant1:line-2:2026-01-05:A', target: { kind: 'shift', shift },
  delta: { machines: [{ machine: 'robot-1', good: 0, scrap: 0, total: 0, [counter]: delta, events: 1 }], states: [], alarmsRaised: 0, duplicatesDropped: 0 },
});
const row = (over: Partial<CounterHoldRow> = {}): CounterHoldRow => ({
  eventId: 'robot-1:good:hold:1', siteCode: 'plant1', lineCode: 'line-2', machineCode: 'robot-1', tag: 'ns=1;s=robot-1.Good', counter: 'good',
  reason: 'implausible_rate', delta: 30, limit: 3, elapsedMs: 2_000, raw: 45_030, readings: [], explanations: null, sourceTime: new Date('2026-01-05T07:00:00Z'),
  shift, countingPoint: true, workflowId: 'work-order:plant1:1', erpOrderId: '1', status: 'held',
  decidedBy: null, decidedAt: null, decisionReason: null, acceptedQuantity: null, countedTo: null, recordedAt: new Date(), ...over,
});
const machine = { site: 'plant1', line: 'line-2', machine: 'robot-1', shiftDate: '2026-01-05', shiftCode: 'A', counter: 'good', delta: 30, events: 1 };

describe('placeAcceptedHold', () => {
  it('sends a counting point\'s good delta to the order in context and to its shift through the outbox, and to its machine counts', () => {
    expect(placeAcceptedHold(row())).toEqual({
      outbox: [shiftRow('good'), {
        workflowId: 'work-order:plant1:1', target: { kind: 'work-order', site: 'plant1', line: 'line-2' },
        delta: { machines: [{ machine: 'robot-1', good: 30, scrap: 0, events: 1, lastSourceTime: '2026-01-05T07:00:00.000Z' }], duplicatesDropped: 0 },
      }],
      unassigned: null, machine, countedTo: 'work-order:plant1:1',
    });
  });

  it('makes it unassigned production under an id of the hold when no order was in context', () => {
    const w = placeAcceptedHold(row({ counter: 'scrap', workflowId: null, erpOrderId: null }));
    expect(w.outbox).toEqual([shiftRow('scrap')]);
    expect(w.unassigned).toEqual({
      site: 'plant1', line: 'line-2', reason: 'no-active-order',
      count: { eventId: 'hold:robot-1:good:hold:1', machine: 'robot-1', sourceTime: '2026-01-05T07:00:00.000Z', good: 0, scrap: 30 },
    });
    expect(w.countedTo).toBe('unassigned');
  });

  it('gives a machine in series to no order (to its shift as its own pieces, not the line\'s), and a total counter to no order', () => {
    const inSeries = { ...shiftRow('good'), delta: { ...shiftRow('good').delta, machines: [{ ...shiftRow('good').delta.machines[0], countingPoint: false }] } };
    expect(placeAcceptedHold(row({ countingPoint: false }))).toEqual({ outbox: [inSeries], unassigned: null, machine, countedTo: 'machine' });
    expect(placeAcceptedHold(row({ counter: 'total' }))).toMatchObject({ outbox: [shiftRow('total')], unassigned: null, countedTo: 'machine', machine: { counter: 'total' } });
  });

  it('refuses a row whose counter the engine does not write, before anything is placed', () => {
    expect(() => placeAcceptedHold(row({ counter: 'pieces' }))).toThrow(/Invalid option/);
  });

  it('has no machine counts to add to for a machine the plant model does not know (no shift)', () => {
    const w = placeAcceptedHold(row({ shift: null, workflowId: null }));
    expect([w.machine, w.outbox, w.countedTo]).toEqual([null, [], 'unassigned']);
  });

  it('counts a corrected quantity instead of the delta, everywhere the delta would have gone', () => {
    // A UInt32 read of 0xFFFFFFFF between 45000 and 45003: the person counted 3 pieces on the pallet.
    const w = placeAcceptedHold(row({ delta: 4_294_922_295 }), 3);
    expect(w.machine).toEqual({ ...machine, delta: 3 });
    expect(w.outbox.map((o) => o.delta)).toEqual([
      shiftRow('good', 3).delta,
      { machines: [{ machine: 'robot-1', good: 3, scrap: 0, events: 1, lastSourceTime: '2026-01-05T07:00:00.000Z' }], duplicatesDropped: 0 },
    ]);
    expect(placeAcceptedHold(row({ workflowId: null }), 0).unassigned!.count).toMatchObject({ good: 0, scrap: 0 });
  });
});

describe('mostExplained', () => {
  it('lets a person accept the rollover of a hold the edge could not tell from a reset (UInt16 60000 -> 12 after 9 h)', () => {
    expect(mostExplained({ delta: 12, explanations: [{ kind: 'reset', pieces: 12 }, { kind: 'rollover', pieces: 5548 }] })).toBe(5548);
    expect(mostExplained({ delta: 30, explanations: null })).toBe(30);
  });
});
