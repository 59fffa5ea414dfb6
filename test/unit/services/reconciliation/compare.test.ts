import { describe, expect, it } from 'vitest';
import type { ErpPosting } from '../../../../contracts/erp-port.js';
import { fixActions, reconcile, type ShopFloorTruth } from '../../../../services/reconciliation/compare.js';

const truth: ShopFloorTruth = {
  erpOrderId: '1000123', material: 'BRACKET-A', unit: 'PC', good: 100, scrap: 5, confirmedGood: 100, confirmedScrap: 5,
  finalConfirmed: true, goodsReceipt: true,
  bom: [{ component: 'SHEET-2MM', quantityPer: '0.250', unit: 'KG' }, { component: 'SCREW-M6', quantityPer: '4.000', unit: 'PC' }],
};
const conf = (ref: string, y: string, s: string, isFinal: boolean, cancelled = false): ErpPosting => ({
  document: `C${ref}`, reference: ref, kind: 'confirmation', yieldQty: y, scrapQty: s, isFinal, movementType: null, items: [], cancelled,
});
const mvt = (ref: string, type: string, items: Array<[string, string, string]>): ErpPosting => ({
  document: `M${ref}`, reference: ref, kind: 'goods-movement', yieldQty: null, scrapQty: null, isFinal: null, movementType: type,
  items: items.map(([material, quantity, unit]) => ({ material, quantity, unit })), cancelled: false,
});
const agreeing = [
  conf('wo#2', '60', '3', false), mvt('wo#3', '261', [['SHEET-2MM', '15', 'KG'], ['SCREW-M6', '240', 'PC']]), mvt('wo#5', '101', [['BRACKET-A', '60', 'PC']]),
  conf('wo#1', '40', '2', true), mvt('wo#6', '261', [['SHEET-2MM', '10', 'KG'], ['SCREW-M6', '160', 'PC']]), mvt('wo#8', '101', [['BRACKET-A', '40', 'PC']]),
];

describe('reconcile', () => {
  it('finds no difference when the ERP holds exactly what the shop floor confirmed, reversals netted', () => {
    const withReversal = [...agreeing, mvt('wo#9', '261', [['SCREW-M6', '4', 'PC']]), mvt('wo#10', '262', [['SCREW-M6', '4', 'PC']]), conf('wo#11', '7', '0', false, true)];
    expect(reconcile(truth, withReversal).differences).toEqual([]);
  });

  it('names a missing goods issue, a double confirmation and a missing receipt, with their fixes', () => {
    const postings = [...agreeing.filter((p) => p.reference !== 'wo#6' && p.reference !== 'wo#8'), conf('wo#1', '40', '2', true)];
    const d = reconcile(truth, postings).differences;
    expect(d.map((x) => [x.what, x.shopFloor, x.erp, x.fix])).toEqual([
      ['confirmed yield', '100 PC', '140 PC', 'cancel confirmations of order 1000123 worth 40 PC'],
      ['confirmed scrap', '5 PC', '7 PC', 'cancel confirmations of order 1000123 worth scrap 2 PC'],
      ['consumption of SHEET-2MM', '25 KG', '15 KG', 'post goods issue 261 to order 1000123 of SHEET-2MM 10 KG'],
      ['consumption of SCREW-M6', '400 PC', '240 PC', 'post goods issue 261 to order 1000123 of SCREW-M6 160 PC'],
      ['goods receipt of BRACKET-A', '100 PC', '60 PC', 'post goods receipt 101 from order 1000123 of 40 PC'],
      ['final confirmation', 'final', '2 final', 'cancel the later final confirmation'],
      ['posting key wo#1', 'once', 'more than once', 'cancel the later document'],
    ]);
  });

  it('turns what the engine can post into the fewest documents; extra confirmations are left to a person', () => {
    const postings = [...agreeing.filter((p) => p.reference !== 'wo#6' && p.reference !== 'wo#8'), conf('wo#1', '40', '2', true)];
    expect(fixActions(reconcile(truth, postings))).toEqual([
      { kind: 'goods-movement', movementType: '261', items: [{ material: 'SHEET-2MM', quantity: '10', unit: 'KG' }, { material: 'SCREW-M6', quantity: '160', unit: 'PC' }] },
      { kind: 'goods-movement', movementType: '101', items: [{ material: 'BRACKET-A', quantity: '40', unit: 'PC' }] },
    ]);
    // The final confirmation cancelled in the ERP and a stray issue booked there by hand: post it again, reverse the extra.
    const cancelledFinal = agreeing.map((p) => (p.reference === 'wo#1' ? { ...p, cancelled: true } : p));
    const stray = [...cancelledFinal, mvt('hand', '261', [['SCREW-M6', '8', 'PC']])];
    expect(fixActions(reconcile(truth, stray))).toEqual([
      { kind: 'confirmation', yieldQty: '40', scrapQty: '2', isFinal: true },
      { kind: 'goods-movement', movementType: '262', items: [{ material: 'SCREW-M6', quantity: '8', unit: 'PC' }] },
    ]);
    expect(fixActions(reconcile(truth, agreeing))).toEqual([]);
  });

  it('expects the exact proportion of an order component\'s requirement, as the backflush issues it (review finding 1)', () => {
    // Order of 3 needing 1 LABEL-ROLL, 2.5 KG RESIN, 1000 SCREW, confirmed 1 + 1 + 1: the 261s issue exactly that.
    const required = (quantity: string) => ({ quantity, forOrderQuantity: '3' });
    const order: ShopFloorTruth = {
      ...truth, good: 3, scrap: 0, confirmedGood: 3, confirmedScrap: 0, goodsReceipt: false,
      bom: [
        { component: 'LABEL-ROLL', quantityPer: '0.333', required: required('1'), unit: 'PC' },
        { component: 'RESIN', quantityPer: '0.833', required: required('2.5'), unit: 'KG' },
        { component: 'SCREW', quantityPer: '333.333', required: required('1000'), unit: 'PC' },
      ],
    };
    const issues = [['0.333', '0.833', '333.333'], ['0.334', '0.834', '333.334'], ['0.333', '0.833', '333.333']].map(([l, r, s], n) =>
      mvt(`wo#${2 * n + 2}`, '261', [['LABEL-ROLL', l!, 'PC'], ['RESIN', r!, 'KG'], ['SCREW', s!, 'PC']]));
    const confs = [conf('wo#3', '1', '0', false), conf('wo#5', '1', '0', false), conf('wo#1', '1', '0', true)];
    expect(reconcile(order, [...issues, ...confs]).differences).toEqual([]);
  });

  it('compares a rework operation\'s confirmations with the reworked units, not with the order\'s yield', () => {
    const reworked = { ...conf('wo#12', '8', '0', false), operation: '0900' };
    const onOrder = agreeing.map((p) => (p.kind === 'confirmation' ? { ...p, operation: '0010' } : p));
    expect(reconcile({ ...truth, operation: '0010', reworkConfirmed: 8 }, [...onOrder, reworked]).differences).toEqual([]);
    // The rework's confirmation never reached the ERP: named as such, the order's yield still agrees.
    expect(reconcile({ ...truth, operation: '0010', reworkConfirmed: 8 }, onOrder).differences.map((d) => [d.what, d.shopFloor, d.erp]))
      .toEqual([['rework confirmed yield', '8 PC', '0 PC']]);
  });

  it('follows held units through blocked stock: received blocked, released by 343 or scrapped by 555, received once', () => {
    const stock = (p: ErpPosting, stockType: 'blocked' | 'unrestricted') => ({ ...p, stockType });
    const held = [
      conf('wo#2', '60', '3', false), mvt('wo#3', '261', [['SHEET-2MM', '15', 'KG'], ['SCREW-M6', '240', 'PC']]), stock(mvt('wo#5', '101', [['BRACKET-A', '60', 'PC']]), 'unrestricted'),
      stock(mvt('wo#7', '101', [['BRACKET-A', '15', 'PC']]), 'blocked'), stock(mvt('wo#9', '101', [['BRACKET-A', '2', 'PC']]), 'blocked'),
      mvt('wo#10', '343', [['BRACKET-A', '15', 'PC']]), mvt('wo#11', '555', [['BRACKET-A', '2', 'PC']]),
      // The final 40 hold the 15 released: its receipt is 25.
      conf('wo#1', '40', '2', true), mvt('wo#6', '261', [['SHEET-2MM', '10', 'KG'], ['SCREW-M6', '160', 'PC']]), stock(mvt('wo#8', '101', [['BRACKET-A', '25', 'PC']]), 'unrestricted'),
    ];
    const books = { ...truth, receivedBeyondConfirmed: 2, blocked: 0 };
    expect(reconcile(books, held).differences).toEqual([]);
    // The release's 343 is missing: 15 still blocked in the ERP.
    const d = reconcile(books, held.filter((p) => p.reference !== 'wo#10')).differences;
    expect(d.map((x) => [x.what, x.shopFloor, x.erp, x.fix])).toEqual([
      ['blocked stock of BRACKET-A', '0 PC', '15 PC', 'release (343) or withdraw for scrapping (555) from order 1000123: 15 PC'],
    ]);
    // Without the stock type on receipts (an ERP that does not say it) blocked stock is not judged, receipts still are.
    const unsaid = held.map((p) => ({ ...p, stockType: undefined }));
    expect(reconcile(books, unsaid).differences).toEqual([]);
  });

  it('leaves a missing receipt of held units to a person: an automatic 101 would put them into unrestricted stock', () => {
    const stock = (p: ErpPosting, stockType: 'blocked' | 'unrestricted') => ({ ...p, stockType });
    const held = [...agreeing.map((p) => (p.movementType === '101' ? stock(p, 'unrestricted') : p)), stock(mvt('wo#12', '101', [['BRACKET-A', '6', 'PC']]), 'blocked')];
    const books = { ...truth, receivedBeyondConfirmed: 6, blocked: 6 };
    expect(reconcile(books, held).differences).toEqual([]);
    // Someone reversed the receipt into blocked stock in the ERP by hand: the held 6 are in no stock.
    const r = reconcile(books, [...held, stock(mvt('by-hand', '102', [['BRACKET-A', '6', 'PC']]), 'blocked')]);
    expect(r.differences.map((x) => [x.what, x.shopFloor, x.erp, x.action?.kind ?? null])).toEqual([
      ['goods receipt of BRACKET-A', '106 PC', '100 PC', null],
      ['blocked stock of BRACKET-A', '6 PC', '0 PC', null],
    ]);
    expect(fixActions(r)).toEqual([]);
    // Unrestricted receipts alone still get their automatic fix.
    const lost = reconcile(books, held.filter((p) => p.reference !== 'wo#8'));
    expect(fixActions(lost)).toEqual([{ kind: 'goods-movement', movementType: '101', items: [{ material: 'BRACKET-A', quantity: '40', unit: 'PC' }] }]);
  });
});
