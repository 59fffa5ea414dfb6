import { describe, expect, it } from 'vitest';
import { AlarmEdge } from '../../../../edge/filters/alarm.js';
import { qualityOf } from '../../../../edge/filters/quality.js';

describe('AlarmEdge', () => {
  it('raises and clears on edges only', () => {
    const a = new AlarmEdge();
    expect([false, false, true, true, false, true].map((v) => a.offer(v))).toEqual([undefined, undefined, 'raise', undefined, 'clear', 'raise']);
  });
  it('raises when the first reading is active', () => expect(new AlarmEdge().offer(true)).toBe('raise'));
});

describe('qualityOf', () => {
  it('reads the severity bits of an OPC UA status code', () => {
    expect(qualityOf(0)).toBe('good');
    expect(qualityOf(0x40900000)).toBe('uncertain'); // UncertainLastUsableValue
    expect(qualityOf(0x808c0000)).toBe('bad'); // BadSensorFailure
    expect(qualityOf(0x80000000)).toBe('bad');
  });
});
