import { describe, expect, it } from 'vitest';
import { alarmAt } from '../../../oee/alarm-at.js';
import { classifyStops } from '../../../oee/classify.js';
import { downtimeTotals } from '../../../oee/downtime-totals.js';
import { alarms, at, classifiedScenario, scenario, SHIFT_B } from '../../helpers/oee-scenario.js';

const MIN = 60_000;

describe('classifyStops (scripted shift A, test/helpers/oee-scenario.ts)', () => {
  const { stops, problems } = classifiedScenario();
  const pick = ({ id, reason, source, alarm, planned, loss, micro, costCenter, erp, downtimeMs, endedMs }: (typeof stops)[number]) =>
    ({ id, reason, source, alarm, planned, loss, micro, costCenter, erp: erp.report, downtimeMs, open: endedMs === null });

  it('gives each stop its reason from the operator, the alarm at its start or its state, and its cost center', () => {
    expect(problems).toEqual([]);
    expect(stops.map(pick)).toEqual([
      { id: 'press-1@2026-03-02T07:00:00.000Z', reason: 'die-jam', source: 'alarm', alarm: 'E-101', planned: false, loss: 'breakdown', micro: false, costCenter: 'CC4900', erp: 'malfunction', downtimeMs: 20 * MIN, open: false },
      { id: 'press-1@2026-03-02T08:00:00.000Z', reason: 'short-stop', source: 'state', alarm: null, planned: false, loss: 'idle', micro: true, costCenter: 'CC4150', erp: 'none', downtimeMs: 90_000, open: false },
      { id: 'press-1@2026-03-02T08:50:00.000Z', reason: 'no-material', source: 'state', alarm: null, planned: false, loss: 'idle', micro: false, costCenter: 'CC4150', erp: 'none', downtimeMs: 10 * MIN, open: false },
      { id: 'press-1@2026-03-02T10:00:00.000Z', reason: 'cleaning', source: 'operator', alarm: null, planned: true, loss: null, micro: false, costCenter: 'CC4150', erp: 'notification', downtimeMs: 30 * MIN, open: false },
      { id: 'press-1@2026-03-02T13:30:00.000Z', reason: 'unexplained-fault', source: 'state', alarm: null, planned: false, loss: 'breakdown', micro: false, costCenter: 'CC4150', erp: 'malfunction', downtimeMs: 30 * MIN, open: true },
      { id: 'press-2@2026-03-02T11:00:00.000Z', reason: 'unexplained-fault', source: 'alarm', alarm: 'E-101', planned: false, loss: 'breakdown', micro: false, costCenter: 'CC4100', erp: 'malfunction', downtimeMs: 10 * MIN, open: false },
      { id: 'press-2@2026-03-02T12:00:00.000Z', reason: 'short-stop', source: 'state', alarm: null, planned: false, loss: 'idle', micro: true, costCenter: 'CC4100', erp: 'none', downtimeMs: MIN, open: false },
    ]);
  });

  it('sums downtime per reason and per cost center to the script', () => {
    const t = downtimeTotals(stops);
    expect(t.byReason).toEqual({
      'die-jam': { stops: 1, ms: 20 * MIN, microStops: 0, microMs: 0 },
      'short-stop': { stops: 2, ms: 150_000, microStops: 2, microMs: 150_000 },
      'no-material': { stops: 1, ms: 10 * MIN, microStops: 0, microMs: 0 },
      cleaning: { stops: 1, ms: 30 * MIN, microStops: 0, microMs: 0 },
      'unexplained-fault': { stops: 2, ms: 40 * MIN, microStops: 0, microMs: 0 },
    });
    expect(t.byCostCenter).toEqual({
      CC4900: { stops: 1, ms: 20 * MIN, microStops: 0, microMs: 0 },
      CC4150: { stops: 4, ms: 90_000 + 70 * MIN, microStops: 1, microMs: 90_000 },
      CC4100: { stops: 2, ms: 11 * MIN, microStops: 1, microMs: MIN },
    });
  });

  it('splits a stop across the shift boundary: both shifts show their part under one id and reason', () => {
    const b = classifiedScenario(SHIFT_B).stops;
    expect(b.map(({ id, reason, startMs, endMs, downtimeMs, micro }) => ({ id, reason, startMs, endMs, downtimeMs, micro }))).toEqual([
      { id: 'press-1@2026-03-02T13:30:00.000Z', reason: 'unexplained-fault', startMs: at('14:00'), endMs: at('14:05'), downtimeMs: 5 * MIN, micro: false },
    ]);
  });

  it('applies a reclassification of the split stop in both shifts, and reports one naming an unknown reason', () => {
    const reclassifications = [{ stopId: 'press-1@2026-03-02T13:30:00.000Z', reason: 'die-jam' }, { stopId: 'press-1@2026-03-02T07:00:00.000Z', reason: 'gone' }];
    const a = classifyStops(scenario(undefined, { reclassifications }));
    const b = classifyStops(scenario(SHIFT_B, { reclassifications }));
    expect([a.stops.find((s) => s.id.endsWith('13:30:00.000Z'))?.reason, b.stops[0]?.reason]).toEqual(['die-jam', 'die-jam']);
    expect(a.stops[0]).toMatchObject({ reason: 'die-jam', source: 'alarm' });
    expect(a.problems).toEqual(['reclassification of press-1@2026-03-02T07:00:00.000Z: unknown reason gone, ignored']);
  });
});

describe('alarmAt', () => {
  const mapped = (code: string) => code !== 'E-999';
  it('takes an alarm raised within the grace after the stop, not one raised later', () => {
    expect(alarmAt(alarms, 'press-1', at('07:00'), 2_000, mapped)).toBe('E-101');
    expect(alarmAt(alarms, 'press-1', at('06:59:58'), 2_000, mapped)).toBeUndefined();
  });

  it('takes the first-out alarm of several active ones, and none cleared before the stop', () => {
    const cascade = [
      { machine: 'm', atMs: 3_000, code: 'B', active: true },
      { machine: 'm', atMs: 1_000, code: 'A', active: true },
      { machine: 'm', atMs: 500, code: 'C', active: true },
      { machine: 'm', atMs: 900, code: 'C', active: false },
    ];
    expect(alarmAt(cascade, 'm', 2_000, 2_000, () => true)).toBe('A');
    expect(alarmAt(cascade, 'm', 950, 0, () => true)).toBeUndefined();
    expect(alarmAt(cascade, 'other', 2_000, 2_000, () => true)).toBeUndefined();
  });
});
