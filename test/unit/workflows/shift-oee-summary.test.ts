import { describe, expect, it } from 'vitest';
import type { LineContext } from '../../../activities/master-data.js';
import type { MachineEvent } from '../../../contracts/messages/machine-event.js';
import { shiftOee } from '../../../workflows/shift-oee.js';
import { ShiftState } from '../../../workflows/shift-state.js';
import { downtimeMaster } from '../../helpers/downtime-master.js';
import { at } from '../../helpers/oee-scenario.js';

const shift = { site: 'plant1', line: 'line-1', date: '2026-03-02', shiftCode: 'A', startsAt: new Date(at('06:00')).toISOString(), endsAt: new Date(at('14:00')).toISOString() };
const base = { v: 1 as const, site: 'plant1', line: 'line-1', tag: 't', quality: 'good' as const };
const ev = (machine: string, id: string, hhmm: string, e: Record<string, unknown>) => ({ ...base, machine, eventId: id, sourceTime: new Date(at(hhmm)).toISOString(), ...e }) as MachineEvent;
const line = (machines: LineContext['machines']): LineContext => ({ plant: '1010', costCenter: 'CC4100', downtime: downtimeMaster(), machines, plannedDowntime: [] });

describe('shiftOee (the shift summary\'s OEE)', () => {
  const state = new ShiftState(shift, undefined, true);
  state.apply({
    v: 1,
    events: [
      ev('m1', 's1', '06:00', { kind: 'state', state: 'running', previous: null }),
      ev('m1', 's2', '10:00', { kind: 'state', state: 'fault', previous: 'running' }),
      ev('m1', 's3', '12:00', { kind: 'state', state: 'running', previous: 'fault' }),
      ev('m1', 'g', '13:00', { kind: 'counter', counter: 'good', delta: 9_000, raw: 0 }),
      ev('m2', 't1', '06:00', { kind: 'state', state: 'running', previous: null }),
      ev('m2', 'g2', '13:00', { kind: 'counter', counter: 'good', delta: 100, raw: 0 }),
    ],
  });

  it('gives no line figure when no machine is a counting point (machines keep theirs), and says which machine has no ideal cycle time', () => {
    const r = shiftOee(state, line([
      { code: 'm1', costCenter: null, idealCycleTimeMs: 2_000, countingPoint: false },
      { code: 'm2', costCenter: null, idealCycleTimeMs: null, countingPoint: false },
    ]), [], at('14:00'))!;
    // m1: 8 h planned, 2 h fault (unexplained-fault, a breakdown) -> A = 6/8; 2 s x 9,000 / 6 h -> P = 5/6.
    expect(r.oee.machines.m1).toMatchObject({ availability: 0.75, performance: 18_000 / 21_600, quality: 1, oee: 18_000 / 28_800, runS: '21600' });
    expect(r.oee.machines.m2).toMatchObject({ availability: 1, performance: null, oee: null });
    expect(r.oee.line).toBeNull();
    expect(r.oee.problems).toEqual(['machine m2 has no ideal cycle time: its performance and OEE are unknown', 'line line-1 has no counting point in the plant model: no line figure']);
    // A context without a machine list (recorded before machines were loaded): every machine the shift saw.
    const older = shiftOee(state, { ...line([]), machines: undefined }, [], at('14:00'))!;
    expect(older.oee.line).toMatchObject({ plannedProductionS: '57600', runS: '50400', good: 9_100, performance: null, oee: null });
    expect(r.oee.downtimeByReason).toEqual({ 'unexplained-fault': { stops: 1, ms: 7_200_000, microStops: 0, microMs: 0 } });
    expect(r.stops.map((s) => [s.id, s.erp.report])).toEqual([['m1@2026-03-02T10:00:00.000Z', 'malfunction']]);
  });

  it('takes the counting points as the line, and reports nothing without downtime master data', () => {
    const r = shiftOee(state, line([
      { code: 'm1', costCenter: null, idealCycleTimeMs: 2_000, countingPoint: true },
      { code: 'm2', costCenter: null, idealCycleTimeMs: null, countingPoint: false },
    ]), [], at('14:00'))!;
    expect(r.oee.line).toEqual(r.oee.machines.m1);
    expect(shiftOee(state, { plant: '1010', costCenter: 'CC4100' }, [], at('14:00'))).toBeNull();
  });
});
