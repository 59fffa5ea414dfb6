import { describe, expect, it } from 'vitest';
import { readOptions } from '../../../soak/options.js';

describe('soak options', () => {
  it('run against the ERP simulator unless SOAK_ERP names the SAP double', () => {
    expect(readOptions([], { SOAK_SEED: '7' }).erp).toBe('sim');
    expect(readOptions([], { SOAK_SEED: '7', SOAK_ERP: 's4hana' }).erp).toBe('s4hana');
  });

  it('refuse an ERP the soak cannot run, naming the variable', () => {
    expect(() => readOptions([], { SOAK_ERP: 'sap' })).toThrow(/SOAK_ERP.*must be sim or s4hana/);
  });

  it('take --seed and --minutes over the environment', () => {
    const o = readOptions(['--seed', '11', '--minutes=2'], { SOAK_SEED: '7', SOAK_MINUTES: '5' });
    expect({ seed: o.seed, minutes: o.minutes }).toEqual({ seed: 11, minutes: 2 });
  });

  it('give the soak 4-minute shifts unless SOAK_SHIFT_MINUTES says otherwise (0: the engine\'s default calendar)', () => {
    expect(readOptions([], { SOAK_SEED: '7' }).shiftMinutes).toBe(4);
    expect(readOptions([], { SOAK_SEED: '7', SOAK_SHIFT_MINUTES: '0' }).shiftMinutes).toBe(0);
    expect(() => readOptions([], { SOAK_SHIFT_MINUTES: '721' })).toThrow(/SOAK_SHIFT_MINUTES/);
  });
});
