import { describe, expect, it } from 'vitest';
import type { MachineDeltas } from '../../../contracts/messages/outbox-delta.js';
import { ShiftState } from '../../../workflows/shift-state.js';

const shift = { site: 'plant1', line: 'line-1', date: '2026-03-02', shiftCode: 'A', startsAt: '2026-03-02T06:00:00.000Z', endsAt: '2026-03-02T14:00:00.000Z' };
const delta: MachineDeltas = {
  v: 1, source: 'outbox', fromSeq: 1, toSeq: 1, alarmsRaised: 1, duplicatesDropped: 0,
  machines: [{ machine: 'press-1', good: 5, scrap: 1, total: 0, events: 4 }, { machine: 'press-2', good: 3, scrap: 0, total: 0, events: 1 }],
  states: [{ machine: 'press-1', sourceTime: '2026-03-02T07:00:00.000Z', state: 'fault' }],
  alarms: [{ machine: 'press-1', sourceTime: '2026-03-02T07:00:01.000Z', code: 'E-101', active: true }],
};

describe('ShiftState detail (runs with downtime reasons)', () => {
  it('keeps pieces per machine, alarm changes and reclassifications, and carries them through continue-as-new', () => {
    const s = new ShiftState(shift, undefined, true);
    s.applyDeltas(delta);
    s.reclassify({ stopId: 'press-1@2026-03-02T07:00:00.000Z', reason: 'die-jam', by: 'op', at: '2026-03-02T08:00:00.000Z' });
    const next = new ShiftState(shift, structuredClone(s.carry()), true);
    expect(next.detail()).toEqual({
      pieces: { 'press-1': { good: 5, scrap: 1 }, 'press-2': { good: 3, scrap: 0 } },
      alarms: [{ machine: 'press-1', atMs: Date.parse('2026-03-02T07:00:01.000Z'), code: 'E-101', active: true }],
    });
    expect(next.reclassifications()).toHaveLength(1);
    expect(next.tally).toMatchObject({ good: 8, scrap: 1, alarmsRaised: 1 });
  });

  it('keeps the carry of older runs in its old shape without detail', () => {
    const s = new ShiftState(shift);
    s.applyDeltas(delta);
    expect(Object.keys(s.carry()).sort()).toEqual(['alarmsRaised', 'duplicatesDropped', 'eventsApplied', 'good', 'highWater', 'scrap', 'seenIds', 'total', 'transitions']);
    expect(s.detail()).toEqual({ pieces: {}, alarms: [] });
  });
});
