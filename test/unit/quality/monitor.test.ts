import { describe, expect, it } from 'vitest';
import { InspectionCharacteristic, type Measurement } from '../../../contracts/messages/inspection.js';
import { QualityMonitor } from '../../../quality/monitor.js';

const temp = InspectionCharacteristic.parse({
  code: 'oven-temp', description: 'Oven temperature', line: 'line-1', material: 'FG-1', operation: '0010',
  machine: 'oven', tag: 'temperature', unit: 'CEL', target: 180, lowerLimit: 175, upperLimit: 185, reaction: 'hold-continue',
  controlRules: { baseline: 5 },
});
let n = 0;
const value = (v: number): Measurement => ({ id: `e${++n}`, source: 'tag', machine: 'oven', tag: 'temperature', value: v, unit: 'CEL', sourceTime: '2026-01-01T00:00:00Z' });

describe('QualityMonitor', () => {
  it('holds what was made since the last in-spec value, once per excursion', () => {
    const m = new QualityMonitor([temp]);
    expect(m.evaluate(value(180), 10)!.verdict).toBe('in-spec');
    const first = m.evaluate(value(186), 25)!;
    expect(first).toMatchObject({ verdict: 'above', newHold: 15, endedHold: null });
    m.track('oven-temp').holdId = 7;
    expect(m.evaluate(value(187), 30)!.newHold).toBeNull();
    expect(m.evaluate(value(181), 32)!.endedHold).toBe(7);
    expect(m.evaluate(value(170), 40)!).toMatchObject({ verdict: 'below', newHold: 8 });
  });

  it('holds at most the configured lot', () => {
    const m = new QualityMonitor([{ ...temp, lot: { size: 5 } }]);
    m.evaluate(value(180), 0);
    expect(m.evaluate(value(190), 40)!.newHold).toBe(5);
  });

  it('ignores values of tags the order has no characteristic for', () => {
    expect(new QualityMonitor([temp]).evaluate({ ...value(500), tag: 'pressure' }, 1)).toBeNull();
  });

  it('sets control limits from the baseline and warns once for a run of 8 above the center', () => {
    const m = new QualityMonitor([temp]);
    for (const v of [179, 180, 181, 180, 180]) expect(m.evaluate(value(v), 0)!.warnings).toEqual([]);
    expect(m.tracks['oven-temp']!.limits!.center).toBe(180);
    const warned = [180.4, 180.3, 180.5, 180.2, 180.6, 180.3, 180.4, 180.5, 180.3].map((v) => m.evaluate(value(v), 0)!.warnings.map((w) => w.rule));
    expect(warned.slice(0, 7).flat()).toEqual([]);
    expect(warned[7]).toEqual(['run-one-side']);
    expect(warned[8]).toEqual([]);
  });
});
