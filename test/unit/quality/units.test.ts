import { describe, expect, it } from 'vitest';
import { inSpecUnit } from '../../../quality/units.js';

describe('inSpecUnit', () => {
  it('takes a value as it is in the characteristic\'s unit, an alias of it, or with no unit from the edge', () => {
    expect(inSpecUnit(186, 'CEL', 'CEL')).toBe(186);
    expect(inSpecUnit(186, '°C', 'CEL')).toBe(186);
    expect(inSpecUnit(186, 'degC', 'CEL')).toBe(186);
    expect(inSpecUnit(186, '', 'CEL')).toBe(186);
    expect(inSpecUnit(45, 'HRC', 'HRC')).toBe(45); // a unit js-quantities does not know, but the same
  });

  it('converts between units of one quantity, a limit staying on its limit', () => {
    expect(inSpecUnit(365, 'FAH', 'CEL')).toBe(185);
    expect(inSpecUnit(365, '°F', 'CEL')).toBe(185);
    expect(inSpecUnit(458.15, 'K', 'CEL')).toBe(185);
    expect(inSpecUnit(2, 'BAR', 'KPA')).toBe(200);
    expect(inSpecUnit(14.5037738, 'PSI', 'BAR')).toBeCloseTo(1, 6);
    expect(inSpecUnit(50.4, 'kN', 'NEW')).toBe(50400);
  });

  it('refuses to judge a value it cannot convert: an unknown unit, or another quantity', () => {
    expect(inSpecUnit(3, 'BAR', 'CEL')).toBeNull();
    expect(inSpecUnit(3, 'furlongs-ish', 'CEL')).toBeNull();
    expect(inSpecUnit(45, 'HRB', 'HRC')).toBeNull(); // two hardness scales: no linear conversion
  });
});
