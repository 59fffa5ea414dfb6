import { describe, expect, it } from 'vitest';
import type { Posting } from '../../../contracts/messages/erp-rest.js';
import { checkInvariants, type Evidence } from '../../../soak/invariants.js';
import { soakRelease } from '../../../soak/plant.js';

const rel = { ...soakRelease(1, 4_000_000, 'line-b', 0), confirmationPolicy: { partialEvery: 5, goodsReceipt: false, overdeliveryTolerancePct: 10 } };
const id = rel.erpOrderId;
let n = 0;
const doc = (p: Partial<Posting>): Posting => ({
  document: String(++n), postingKey: `work-order:soak1:${id}#${n}`, kind: 'goods-movement', erpOrderId: id, yieldQty: null, scrapQty: null,
  movementType: null, isFinal: null, postedAt: '2026-01-05T06:00:00Z', ...p,
});
const conf = (y: number, s: number, isFinal: boolean) => doc({ kind: 'confirmation', yieldQty: String(y), scrapQty: String(s), isFinal });
const gi = (y: number, type = '261') =>
  doc({ movementType: type, items: [{ material: 'SHEET-2MM', quantity: String(y * 0.25), unit: 'KG' }, { material: 'SCREW-M6', quantity: String(y * 4), unit: 'PC' }] });

/** A run where robot-b1 made 10 good and 1 scrap and the ERP holds exactly that, with its backflush. */
function evidence(postings: Posting[], over: Partial<Evidence> = {}): Evidence {
  return {
    produced: { 'robot-b1': { good: 10, scrap: 1 } },
    bridgeCounted: { 'robot-b1': { good: 10, scrap: 1 } },
    postings,
    releases: [rel],
    unassigned: {},
    held: {},
    phases: { [id]: 'confirmed' },
    workflowOrderIds: [id],
    qualityHolds: {},
    reconciliation: { orders: 1, withDifferences: [], failed: [] },
    ...over,
  };
}

describe('soak invariants', () => {
  it('pass when the ERP holds what was made, once, with BOM x yield', () => {
    expect(checkInvariants(evidence([gi(6), conf(6, 1, false), gi(4), conf(4, 0, true)]))).toEqual([]);
  });

  it('name a confirmation whose backflush is short (a posting key reused for another quantity)', () => {
    const v = checkInvariants(evidence([gi(6), conf(6, 1, false), gi(2), conf(4, 0, true)]));
    expect(v).toEqual([
      'order 4010000: net goods issue of SHEET-2MM 2 KG, BOM x yield 2.5 KG (yield 10)',
      'order 4010000: net goods issue of SCREW-M6 32 PC, BOM x yield 40 PC (yield 10)',
    ]);
  });

  it('name lost pieces per line with the stage, and a 262 that reverses nothing of the order', () => {
    const v = checkInvariants(evidence([gi(6), conf(6, 1, false), gi(3), gi(2, '262'), conf(3, 0, true)], { bridgeCounted: { 'robot-b1': { good: 9, scrap: 1 } } }));
    expect(v[0]).toBe('line-b good: made 10 at robot-b1, accounted 9 (ERP confirmed 9, unassigned 0): lost 1; robot-b1 made 10, bridge counted 9');
    expect(v.filter((x) => /^order 4010000: 262 \d+ \(SCREW-M6:8:PC,SHEET-2MM:0\.5:KG\) reverses no 261 of the order$/.test(x))).toHaveLength(1);
  });

  it('name a posting key with two documents, and a second workflow of one order', () => {
    const c = conf(10, 1, true);
    const v = checkInvariants(evidence([gi(10), c, { ...c, document: 'x' }], { workflowOrderIds: [id, id] }));
    expect(v).toContain(`posting key confirmation:${c.postingKey} holds 2 documents`);
    expect(v).toContain(`order ${id}: 2 work-order workflows`);
  });
});
