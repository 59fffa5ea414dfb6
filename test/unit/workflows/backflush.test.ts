import { describe, expect, it } from 'vitest';
import type { OrderContext } from '../../../contracts/messages/work-order-status.js';
import { componentNeed } from '../../../contracts/decimal.js';
import { bomFromComponents, cumulativeComponentQuantities } from '../../../workflows/backflush.js';
import type { StandingPosting } from '../../../workflows/work-order-ledger.js';

/**
 * The backflush's numbers (issue 18 item 5, review finding 1, with the reviewer's values): each 261 issues what the
 * cumulative confirmed yield needs minus what standing 261s issued, so the issues add up to the order's requirement.
 */
const reservation = (item: string) => ({ reservation: '12345', reservationItem: item });
const components = [
  { material: 'LABEL-ROLL', requiredQty: '1', unit: 'PC', reservation: reservation('0001') },
  { material: 'RESIN', requiredQty: '2.5', unit: 'KG', reservation: reservation('0002') },
  { material: 'SCREW', requiredQty: '1000', unit: 'PC', reservation: reservation('0003') },
];

/** Confirms `yields` one after another, as the workflow does: each 261 that lands stands for the next. */
function confirmAll(bom: OrderContext['bom'], yields: number[], standing: StandingPosting[] = []) {
  let confirmed = 0;
  return yields.map((y, n) => {
    const items = cumulativeComponentQuantities(bom, confirmed, y, standing, n === yields.length - 1);
    if (items.length > 0) standing.push({ kind: 'goods-issue', seq: standing.length + 2, items, yieldQty: 0, scrapQty: 0 });
    confirmed += y;
    return Object.fromEntries(items.map((i) => [i.material, i.quantity]));
  });
}
const totals = (issues: Record<string, string>[]) => {
  const sum: Record<string, number> = {};
  // Summed in thousandths: the test checks exact decimals, as the code computes them.
  for (const issue of issues) for (const [m, q] of Object.entries(issue)) sum[m] = (sum[m] ?? 0) + Math.round(Number(q) * 1000);
  return Object.fromEntries(Object.entries(sum).map(([m, t]) => [m, t / 1000]));
};

describe('cumulative backflush (review finding 1)', () => {
  it('order 3000 PC confirmed at once issues exactly RequiredQuantity: 1 LABEL-ROLL, 2.5 RESIN, 1000 SCREW', () => {
    const issues = confirmAll(bomFromComponents(components, '3000'), [3000]);
    expect(issues).toEqual([{ 'LABEL-ROLL': '1', RESIN: '2.5', SCREW: '1000' }]);
  });

  it('order 3000 PC confirmed 1000 + 1000 + 1000 issues the requirement in proportion and sums to it exactly', () => {
    const issues = confirmAll(bomFromComponents(components, '3000'), [1000, 1000, 1000]);
    expect(issues).toEqual([
      { 'LABEL-ROLL': '0.333', RESIN: '0.833', SCREW: '333.333' },
      { 'LABEL-ROLL': '0.334', RESIN: '0.834', SCREW: '333.334' },
      { 'LABEL-ROLL': '0.333', RESIN: '0.833', SCREW: '333.333' },
    ]);
    expect(totals(issues)).toEqual({ 'LABEL-ROLL': 1, RESIN: 2.5, SCREW: 1000 });
  });

  it('order of 3 confirmed 1 + 1 + 1 issues 1 / 2.5 / 1000 in all (was 0.999 / 2.499 / 999.999)', () => {
    const issues = confirmAll(bomFromComponents(components, '3'), [1, 1, 1]);
    expect(totals(issues)).toEqual({ 'LABEL-ROLL': 1, RESIN: 2.5, SCREW: 1000 });
  });

  it('order of 7 confirmed at once issues the requirement, not 7 x a rounded per-piece figure', () => {
    expect(confirmAll(bomFromComponents(components, '7'), [7])).toEqual([{ 'LABEL-ROLL': '1', RESIN: '2.5', SCREW: '1000' }]);
  });

  it('the plant-file BOM: quantityPer x cumulative yield minus what was issued', () => {
    const bom = [{ component: 'A', quantityPer: '0.125', unit: 'KG' }, { component: 'B', quantityPer: '0', unit: 'PC' }];
    expect(confirmAll(bom, [3, 4])).toEqual([{ A: '0.375' }, { A: '0.5' }]);
    expect(componentNeed(bom[0]!, 7)).toBe(875n);
  });

  it('a 261 taken back (not standing) is issued again; the final issue closes each reservation item it names', () => {
    const bom = bomFromComponents(components, '3');
    const items = cumulativeComponentQuantities(bom, 1, 2, [], true);
    // Nothing stands (the 261 of the first piece was reversed by a 262): the whole need of 3 pieces is issued.
    expect(items.map((i) => [i.material, i.quantity, i.reservation?.reservationItem, i.finalIssue])).toEqual([
      ['LABEL-ROLL', '1', '0001', true],
      ['RESIN', '2.5', '0002', true],
      ['SCREW', '1000', '0003', true],
    ]);
  });

  it('partial 90 of 100, then completion with no more yield: the final confirmation has nothing left to issue (finding 3)', () => {
    const bom = bomFromComponents([{ material: 'RM-1', requiredQty: '100', unit: 'KG', reservation: reservation('0001') }], '100');
    // No zero-quantity 261 (SAP refuses it): the final confirmation's OpenReservationsIsCleared closes the item.
    expect(confirmAll(bom, [90, 0])).toEqual([{ 'RM-1': '90' }, {}]);
  });

  it('rounds to the unit\'s decimals (SAP T006 ANDEC) where the plant file gives them: whole pieces, exact in sum', () => {
    const bom = bomFromComponents(components.map((c) => ({ ...c, decimals: c.unit === 'PC' ? 0 : 3 })), '3');
    const issues = confirmAll(bom, [1, 1, 1]);
    expect(issues).toEqual([
      { RESIN: '0.833', SCREW: '333' },
      { 'LABEL-ROLL': '1', RESIN: '0.834', SCREW: '334' },
      { RESIN: '0.833', SCREW: '333' },
    ]);
    expect(totals(issues)).toEqual({ 'LABEL-ROLL': 1, RESIN: 2.5, SCREW: 1000 });
    expect(componentNeed({ quantityPer: '0.5', decimals: 0 }, 3)).toBe(2_000n);
  });

  it('over-delivery within tolerance issues in proportion beyond the requirement', () => {
    const bom = bomFromComponents(components, '3');
    expect(totals(confirmAll(bom, [2, 2]))).toEqual({ 'LABEL-ROLL': 1.333, RESIN: 3.333, SCREW: 1333.333 });
  });
});
