import { componentNeed, fromThousandths, toThousandths } from '../../contracts/decimal.js';
import type { ErpPosting, GoodsMovementItem } from '../../contracts/erp-port.js';
import type { Difference, FixAction, Reconciliation as OrderReconciliation } from '../../contracts/messages/reconciliation.js';
import { movementEffects } from './movement-effects.js';

export type { Difference, FixAction };

/** What the shop floor says an order should have produced in the ERP: the workflow's state and the BOM. */
export interface ShopFloorTruth {
  erpOrderId: string;
  material: string;
  unit: string;
  /** Counted and applied by the workflow, in the order's unit. */
  good: number;
  scrap: number;
  /** Decided and confirmed by the workflow (partials and final). */
  confirmedGood: number;
  confirmedScrap: number;
  finalConfirmed: boolean;
  goodsReceipt: boolean;
  /**
   * The order's operation: confirmations the ERP says are of another operation (a rework's) are compared with
   * `reworkConfirmed`, not with the order's yield. Absent: every confirmation is the order's.
   */
  operation?: string;
  /** Units confirmed on rework operations (their yield), in the order's unit; absent: 0. */
  reworkConfirmed?: number;
  /**
   * Units received into stock beyond the confirmed yield: in blocked stock under a hold, withdrawn from it for scrapping
   * (received, then scrapped), or released from it ahead of their confirmation (docs/quality.md, "Blocked stock").
   * Absent: 0.
   */
  receivedBeyondConfirmed?: number;
  /** Units the order's holds keep in blocked stock now; absent: 0. */
  blocked?: number;
  /** Components per unit of the order's material; `quantityPer` a decimal string in the component's `unit`. */
  bom: Array<{ component: string; quantityPer: string; required?: { quantity: string; forOrderQuantity: string }; unit: string; decimals?: number }>;
}

/** The comparison itself; the caller adds the order's phase. */
export type Reconciliation = Omit<OrderReconciliation, 'phase'>;

// ERP quantities have three decimals: sums compare in integer thousandths, never in floats.
const milli = toThousandths;
const fmt = fromThousandths;

/**
 * Compares the shop floor with what the ERP holds for one order (looked up from the ERP, not from our ledger) and
 * names each difference with its likely cause and the posting that fixes it. Cancelled confirmations do not count;
 * goods movements count net (261 minus 262, 101 minus 102), so a reversal by 262 or by SAP's Cancel both net out.
 * Pure: no I/O, throws nothing. Quantities are compared in integer thousandths (ERP decimals have three places) and
 * reported as decimal strings with their unit.
 */
export function reconcile(truth: ShopFloorTruth, postings: ErpPosting[]): Reconciliation {
  const diffs: Difference[] = [];
  const allConfs = postings.filter((p) => p.kind === 'confirmation' && !p.cancelled);
  // A rework is confirmed on its own operation: it is no yield of the order's.
  const rework = (p: ErpPosting) => truth.operation !== undefined && p.operation != null && p.operation !== truth.operation;
  const confs = allConfs.filter((p) => !rework(p));
  const yieldErp = confs.reduce((s, p) => s + milli(p.yieldQty ?? '0'), 0);
  const scrapErp = confs.reduce((s, p) => s + milli(p.scrapQty ?? '0'), 0);
  const order = truth.erpOrderId;

  const compare = (
    what: string, mesMilli: number, erpMilli: number, unit: string, post: string, reverse: string,
    action?: (missing: boolean, qty: string) => FixAction | undefined,
  ) => {
    if (mesMilli === erpMilli) return;
    const missing = mesMilli > erpMilli;
    const act = action?.(missing, fmt(Math.abs(mesMilli - erpMilli)));
    diffs.push({
      ...(act ? { action: act } : {}),
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
    `post a confirmation of order ${order} with yield`, `cancel confirmations of order ${order} worth`,
    (missing, qty) => (missing ? { kind: 'confirmation', yieldQty: qty, scrapQty: '0', isFinal: false } : undefined));
  compare('confirmed scrap', truth.confirmedScrap * 1000, scrapErp, truth.unit,
    `post a confirmation of order ${order} with scrap`, `cancel confirmations of order ${order} worth scrap`,
    (missing, qty) => (missing ? { kind: 'confirmation', yieldQty: '0', scrapQty: qty, isFinal: false } : undefined));
  const reworkErp = allConfs.filter(rework).reduce((s, p) => s + milli(p.yieldQty ?? '0'), 0);
  compare('rework confirmed yield', (truth.reworkConfirmed ?? 0) * 1000, reworkErp, truth.unit,
    `post a confirmation on the rework operation of order ${order} with yield`, `cancel rework confirmations of order ${order} worth`);
  const movement = (types: ['261', '262'] | ['101', '102'], material: string, unit: string) =>
    (missing: boolean, quantity: string): FixAction => ({ kind: 'goods-movement', movementType: missing ? types[0] : types[1], items: [{ material, quantity, unit }] });

  const net = new Map<string, number>();
  for (const p of postings.filter((x) => x.kind === 'goods-movement')) {
    for (const [family, sign] of movementEffects(p)) {
      for (const i of p.items) net.set(`${family}:${i.material}`, (net.get(`${family}:${i.material}`) ?? 0) + sign * milli(i.quantity));
    }
  }
  for (const b of truth.bom) {
    // What the backflush issues for the confirmed yield: the exact proportion of the order's requirement.
    const expected = Number(componentNeed(b, truth.confirmedGood));
    compare(`consumption of ${b.component}`, expected, net.get(`issue:${b.component}`) ?? 0, b.unit,
      `post goods issue 261 to order ${order} of ${b.component}`, `post reversal 262 from order ${order} of ${b.component}`,
      movement(['261', '262'], b.component, b.unit));
    net.delete(`issue:${b.component}`);
  }
  for (const [key, qty] of net) {
    if (!key.startsWith('issue:') || qty === 0) continue;
    const component = key.slice('issue:'.length);
    diffs.push({ what: `consumption of ${component}`, shopFloor: '0 (not in the BOM)', erp: fmt(qty), cause: 'a component outside the BOM was issued to the order', fix: `post reversal 262 from order ${order} of ${component} ${fmt(qty)}` });
  }
  // Blocked stock only where the ERP says each receipt's stock type (an adapter that does not read it cannot tell).
  const stockTypesKnown = postings.every((p) => !(p.movementType === '101' || p.movementType === '102') || p.stockType != null);
  const blockedErp = net.get(`blocked:${truth.material}`) ?? 0;
  // A fix posts unrestricted movements only: where blocked stock differs too, an automatic 101 would put held units
  // into usable stock (or a 102 take good ones out), so the receipt is left to a person, who books the stock type.
  const blockedDiffers = stockTypesKnown && (truth.blocked ?? 0) * 1000 !== blockedErp;
  const received = truth.goodsReceipt ? truth.confirmedGood + (truth.receivedBeyondConfirmed ?? 0) : 0;
  compare(`goods receipt of ${truth.material}`, received * 1000, net.get(`receipt:${truth.material}`) ?? 0, truth.unit,
    `post goods receipt 101 from order ${order} of`, `post reversal 102 to order ${order} of`,
    blockedDiffers ? undefined : movement(['101', '102'], truth.material, truth.unit));
  if (stockTypesKnown) {
    compare(`blocked stock of ${truth.material}`, (truth.blocked ?? 0) * 1000, blockedErp, truth.unit,
      `receive into blocked stock (101 blocked) or move to it (344) from order ${order}:`, `release (343) or withdraw for scrapping (555) from order ${order}:`);
  }

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

  // A missing final confirmation is posted as the final flag on the confirmation that fixes the quantities.
  if (truth.finalConfirmed && finals === 0) {
    const conf = diffs.find((d) => d.action?.kind === 'confirmation');
    const finalDiff = diffs.find((d) => d.what === 'final confirmation')!;
    if (conf?.action?.kind === 'confirmation') conf.action.isFinal = true;
    else finalDiff.action = { kind: 'confirmation', yieldQty: '0', scrapQty: '0', isFinal: true };
  }
  return { erpOrderId: order, documents: postings.length, differences: diffs };
}

/**
 * The postings that apply a reconciliation's automatic fixes, fewest documents first: one confirmation with the missing
 * yield, scrap and final flag, and one goods movement per movement type with all its items (reversals, 262 and 102,
 * first). Differences without an `action` (extra confirmations) are left to a person. Pure; throws nothing.
 */
export function fixActions(r: Reconciliation): FixAction[] {
  const out: FixAction[] = [];
  const confs = r.differences.flatMap((d) => (d.action?.kind === 'confirmation' ? [d.action] : []));
  if (confs.length > 0) {
    const sum = (f: (a: (typeof confs)[number]) => string) => fmt(confs.reduce((s, a) => s + milli(f(a)), 0));
    out.push({ kind: 'confirmation', yieldQty: sum((a) => a.yieldQty), scrapQty: sum((a) => a.scrapQty), isFinal: confs.some((a) => a.isFinal) });
  }
  const byType = new Map<string, GoodsMovementItem[]>();
  for (const d of r.differences) if (d.action?.kind === 'goods-movement') byType.set(d.action.movementType, [...(byType.get(d.action.movementType) ?? []), ...d.action.items]);
  // Reversals before new issues and receipts, the order a person would book them in.
  for (const t of ['262', '102', '261', '101'] as const) {
    const items = byType.get(t);
    if (items) out.push({ kind: 'goods-movement', movementType: t, items });
  }
  return out;
}
