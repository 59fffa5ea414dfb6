import { describe, expect, it } from 'vitest';
import { confirmationViolations } from '../../../activities/confirmation-rules.js';
import { canonicalDecimal, fromThousandths, toThousandths } from '../../../contracts/decimal.js';
import { componentQuantities } from '../../../workflows/backflush.js';

const base = { yieldQty: '50', scrapQty: '1', unit: 'PC', confirmedBefore: 50, plannedQuantity: '100', overdeliveryTolerancePct: 10, materialUnit: 'PC', orderUnit: 'PC' };

describe('confirmation rules', () => {
  it('accepts a confirmation within order quantity plus tolerance, exactly at the limit too', () => {
    expect(confirmationViolations(base)).toEqual([]);
    expect(confirmationViolations({ ...base, yieldQty: '60' })).toEqual([]);
  });

  it('refuses over-delivery beyond tolerance and inconsistent units, naming each', () => {
    expect(confirmationViolations({ ...base, yieldQty: '61', unit: 'KG', materialUnit: 'EA' })).toEqual([
      "unit KG differs from the order's unit PC",
      "order unit PC differs from the material's base unit EA",
      'confirmed yield 111 would exceed order quantity 100 + 10 % tolerance (110)',
    ]);
  });

  it('refuses to confirm units under a quality hold', () => {
    expect(confirmationViolations({ ...base, countedGood: 100, heldQty: 0 })).toEqual([]);
    expect(confirmationViolations({ ...base, countedGood: 100, heldQty: 5 })).toEqual([
      'confirmed yield 100 would exceed the 100 counted good less 5 under quality hold',
    ]);
  });
});

describe('backflush arithmetic', () => {
  it('multiplies BOM quantities in thousandths, without float noise', () => {
    expect(toThousandths('0.1')).toBe(100);
    expect(fromThousandths(toThousandths('0.1') * 3)).toBe('0.3');
    expect(fromThousandths(10_500)).toBe('10.5');
    // A net that went below zero (reversed more than issued) still prints as a number.
    expect([toThousandths('-0.5'), fromThousandths(-500), fromThousandths(-1_250)]).toEqual([-500, '-0.5', '-1.25']);
    expect([canonicalDecimal('100.000'), canonicalDecimal('1.500'), canonicalDecimal('7')]).toEqual(['100', '1.5', '7']);
    expect(componentQuantities([{ component: 'A', quantityPer: '0.125', unit: 'KG' }, { component: 'B', quantityPer: '0.000', unit: 'PC' }], 7))
      .toEqual([{ material: 'A', quantity: '0.875', unit: 'KG' }]);
  });
});
