import type { ErpPosting } from './port.js';

/** What the shop floor says an order should have produced in the ERP: the workflow's state and the BOM. */
export interface ShopFloorTruth {
  erpOrderId: string;
  material: string;
  unit: string;
  /** Counted and applied by the workflow. */
  good: number;
  scrap: number;
  /** Decided and confirmed by the workflow (partials and final). */
  confirmedGood: number;
  confirmedScrap: number;
  finalConfirmed: boolean;
  goodsReceipt: boolean;
  bom: Array<{ component: string; quantityPer: string; unit: string }>;
}

export interface Difference {
  what: string;
  shopFloor: string;
  erp: string;
  cause: string;
  /** The posting that makes the ERP agree; applying it is a planner action. */
  fix: string;
}

export interface Reconciliation {
  erpOrderId: string;
  documents: number;
  differences: Difference[];
}

// ERP quantities have three decimals: sums compare in integer thousandths, never in floats.
const milli = (d: string) => Math.round(Number(d) * 1000);
const fmt = (m: number) => String(m / 1000);

/**
 * Compares the shop floor with what the ERP holds for one order (looked up from the ERP, not from our ledger) and
 * names each difference with its likely cause and the posting that fixes it. Cancelled confirmations do not count;
 * goods movements count net (261 minus 262, 101 minus 102), so a reversal by 262 or by SAP's Cancel both net out.
 */
export function reconcile(truth: ShopFloorTruth, postings: ErpPosting[]): Reconciliation {
  const diffs: Difference[] = [];
  const confs = postings.filter((p) => p.kind === 'confirmation' && !p.cancelled);
  const yieldErp = confs.reduce((s, p) => s + milli(p.yieldQty ?? '0'), 0);
  const scrapErp = confs.reduce((s, p) => s + milli(p.scrapQty ?? '0'), 0);
  const order = truth.erpOrderId;

  const compare = (what: string, mesMilli: number, erpMilli: number, unit: string, post: string, reverse: string) => {
    if (mesMilli === erpMilli) return;
    const missing = mesMilli > erpMilli;
    diffs.push({
      what,
      shopFloor: `${fmt(mesMilli)} ${unit}`,
      erp: `${fmt(erpMilli)} ${unit}`,
      cause: missing
        ? 'a posting the shop floor made is not in the ERP (lost, rejected, or cancelled in the ERP)'
        : 'the ERP holds more than the shop floor confirmed (posted twice, or posted by hand in the ERP)',
      fix: missing ? `${post} ${fmt(mesMilli - erpMilli)} ${unit}` : `${reverse} ${fmt(erpMilli - mesMilli)} ${unit}`,
    });
  };

  compare('confirmed yield', truth.confirmedGood * 1000, yieldErp, truth.unit,
    `post a confirmation of order ${order} with yield`, `cancel confirmations of order ${order} worth`);
  compare('confirmed scrap', truth.confirmedScrap * 1000, scrapErp, truth.unit,
    `post a confirmation of order ${order} with scrap`, `cancel confirmations of order ${order} worth scrap`);

  const net = new Map<string, number>();
  for (const p of postings.filter((x) => x.kind === 'goods-movement')) {
    const sign = p.movementType === '261' || p.movementType === '101' ? 1 : p.movementType === '262' || p.movementType === '102' ? -1 : 0;
    const family = p.movementType === '101' || p.movementType === '102' ? 'receipt' : 'issue';
    for (const i of p.items) net.set(`${family}:${i.material}`, (net.get(`${family}:${i.material}`) ?? 0) + sign * milli(i.quantity));
  }
  for (const b of truth.bom) {
    const expected = milli(b.quantityPer) * truth.confirmedGood;
    compare(`consumption of ${b.component}`, expected, net.get(`issue:${b.component}`) ?? 0, b.unit,
      `post goods issue 261 to order ${order} of ${b.component}`, `post reversal 262 from order ${order} of ${b.component}`);
    net.delete(`issue:${b.component}`);
  }
  for (const [key, qty] of net) {
    if (!key.startsWith('issue:') || qty === 0) continue;
    const component = key.slice('issue:'.length);
    diffs.push({ what: `consumption of ${component}`, shopFloor: '0 (not in the BOM)', erp: fmt(qty), cause: 'a component outside the BOM was issued to the order', fix: `post reversal 262 from order ${order} of ${component} ${fmt(qty)}` });
  }
  compare(`goods receipt of ${truth.material}`, truth.goodsReceipt ? truth.confirmedGood * 1000 : 0, net.get(`receipt:${truth.material}`) ?? 0, truth.unit,
    `post goods receipt 101 from order ${order} of`, `post reversal 102 to order ${order} of`);

  const finals = confs.filter((p) => p.isFinal).length;
  if (truth.finalConfirmed !== (finals > 0) || finals > 1)
    diffs.push({
      what: 'final confirmation',
      shopFloor: truth.finalConfirmed ? 'final' : 'open',
      erp: `${finals} final`,
      cause: finals > 1 ? 'the order was finally confirmed twice' : truth.finalConfirmed ? 'the final confirmation is missing in the ERP' : 'the ERP closed an order the shop floor still runs',
      fix: finals > 1 ? 'cancel the later final confirmation' : truth.finalConfirmed ? 'post the final confirmation' : 'cancel the final confirmation or complete the order',
    });
  if (truth.finalConfirmed && truth.good !== truth.confirmedGood)
    diffs.push({
      what: 'counted but not confirmed', shopFloor: `${truth.good} ${truth.unit}`, erp: `${truth.confirmedGood} ${truth.unit}`,
      cause: 'counts applied after the final confirmation was decided', fix: `post a confirmation of order ${order} with yield ${truth.good - truth.confirmedGood} ${truth.unit}`,
    });

  const refs = postings.filter((p) => p.reference !== null && !p.cancelled).map((p) => `${p.kind}:${p.reference}`);
  for (const r of new Set(refs.filter((x, i) => refs.indexOf(x) !== i)))
    diffs.push({ what: `posting key ${r.split(':').slice(1).join(':')}`, shopFloor: 'once', erp: 'more than once', cause: 'posted twice under one key (a retry without look-up)', fix: 'cancel the later document' });

  return { erpOrderId: order, documents: postings.length, differences: diffs };
}
