import { describe, expect, it } from 'vitest';
import type { ErpPosting } from '../../../contracts/erp-port.js';
import { checkInvariants, type ErpBooks, type Evidence } from '../../../soak/invariants.js';
import { soakRelease } from '../../../soak/plant.js';

const rel = { ...soakRelease(1, 4_000_000, 'line-b', 0), confirmationPolicy: { partialEvery: 5, goodsReceipt: false, overdeliveryTolerancePct: 10 } };
const id = rel.erpOrderId;
let n = 0;
const doc = (p: Partial<ErpPosting>): ErpPosting => ({
  document: String(++n), reference: `work-order:soak1:${id}#${n}`, kind: 'goods-movement', yieldQty: null, scrapQty: null,
  movementType: null, isFinal: null, items: [], cancelled: false, ...p,
});
/** The ERP's books holding `postings` for the order, each found under the key the MES posted it with (its reference). */
const books = (postings: ErpPosting[]): ErpBooks => ({
  orders: { [id]: postings },
  keys: postings.map((p) => ({ workflowId: `work-order:soak1:${id}`, postingKey: p.reference!, kind: p.kind, status: 'posted', mesDocument: p.document, documents: [p.document] })),
  downtime: [],
});
const conf = (y: number, s: number, isFinal: boolean) => doc({ kind: 'confirmation', yieldQty: String(y), scrapQty: String(s), isFinal });
const gi = (y: number, type = '261') =>
  doc({ movementType: type, items: [{ material: 'SHEET-2MM', quantity: String(y * 0.25), unit: 'KG' }, { material: 'SCREW-M6', quantity: String(y * 4), unit: 'PC' }] });

/** A run where robot-b1 made 10 good and 1 scrap and the ERP holds exactly that, with its backflush. */
function evidence(postings: ErpPosting[], over: Partial<Evidence> = {}): Evidence {
  return {
    produced: { 'robot-b1': { good: 10, scrap: 1 } },
    bridgeCounted: { 'robot-b1': { good: 10, scrap: 1 } },
    erp: books(postings),
    releases: [rel],
    unassigned: {},
    held: {},
    phases: { [id]: 'confirmed' },
    workflowOrderIds: [id],
    qualityHolds: {},
    shifts: [],
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
    const e = evidence([gi(10), c], { workflowOrderIds: [id, id] });
    e.erp.orders[id]!.push({ ...c, document: 'x' });
    e.erp.keys.find((k) => k.postingKey === c.reference)!.documents.push('x');
    const v = checkInvariants(e);
    expect(v).toContain(`posting key confirmation:${c.reference} holds 2 documents (${c.document}, x)`);
    expect(v).toContain(`order ${id}: 2 work-order workflows`);
  });

  it('name a document under no key the MES posted, and a key the MES took as posted that the ERP lacks', () => {
    const e = evidence([gi(10), conf(10, 1, true)]);
    e.erp.orders[id]!.push(doc({ kind: 'goods-movement', movementType: '101', reference: null, items: [{ material: 'BRACKET-A', quantity: '0', unit: 'PC' }] }));
    e.erp.keys.push({ workflowId: `work-order:soak1:${id}`, postingKey: `work-order:soak1:${id}#99`, kind: 'goods-movement', status: 'posted', mesDocument: '4900000007/2026', documents: [] });
    const v = checkInvariants(e);
    expect(v).toContain(`order ${id}: goods-movement ${n} (reference none) is under no key the MES posted`);
    expect(v).toContain(`posting key goods-movement:work-order:soak1:${id}#99 is posted in the MES as 4900000007/2026, the ERP holds no document under it`);
  });

  it('count quality notifications by the order\'s keys, and downtime stretches posted twice', () => {
    const e = evidence([gi(10), conf(10, 1, true)], { qualityHolds: { [id]: 1 } });
    e.erp.keys.push({ workflowId: `work-order:soak1:${id}`, postingKey: `work-order:soak1:${id}#50`, kind: 'quality-notification', status: 'posted', mesDocument: '200000000', documents: ['200000000'] });
    const stop = { reference: null, machine: 'robot-b1', costCenter: null, state: 'stopped' as const, startedAt: '2026-01-05T06:00:00Z', endedAt: '2026-01-05T06:00:04Z', durationMin: '0.067' };
    e.erp.downtime.push({ ...stop, document: '10000000' }, { ...stop, document: '10000001' });
    e.erp.keys.push(...['10000000', '10000001'].map((d, i) => ({ workflowId: 'shift:soak1:line-b', postingKey: `shift:soak1:line-b#${i}`, kind: 'downtime' as const, status: 'posted', mesDocument: d, documents: [d] })));
    expect(checkInvariants(e)).toEqual(['downtime robot-b1 stopped 2026-01-05T06:00:00Z..2026-01-05T06:00:04Z posted 2 times']);
  });
});
