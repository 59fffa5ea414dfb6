import { toThousandths as milli, fromThousandths as fmt } from '../contracts/decimal.js';
import type { ErpDowntime, ErpPosting, PostingKind } from '../contracts/erp-port.js';
import { workOrderWorkflowId } from '../contracts/ids.js';
import { movementEffects } from '../services/reconciliation/movement-effects.js';
import type { OrderReleased } from '../contracts/messages/order-release.js';
import { BOMS, LINE_CODES, LINES, SITE, type LineCode } from './plant.js';
import { checkShiftDowntime, type ShiftBooks } from './shift-invariants.js';

/**
 * The ERP's own books as its adapter reads them (soak/evidence.ts `erpBooks`): the same shapes for the simulator and
 * for SAP, so one set of checks holds for both.
 */
export interface ErpBooks {
  /**
   * Each released order's documents (`ErpAdapter.listOrderPostings`): its confirmations, cancelled or not, and its
   * goods movements; the simulator lists the order's quality notifications there too, SAP does not.
   */
  orders: Record<string, ErpPosting[]>;
  /**
   * Every key the MES ledger (`erp_postings`) holds, with the ERP's kind of document for it, the ledger's status and
   * document, and the documents the ERP finds under the key (`ErpAdapter.findPostings`).
   */
  keys: Array<{ workflowId: string; postingKey: string; kind: PostingKind; status: string; mesDocument: string | null; documents: string[] }>;
  /** The plant's downtime records (`ErpAdapter.listDowntime`). */
  downtime: ErpDowntime[];
}

/**
 * The soak's invariants, checked against the ERP's own books and what the plant really made (the simulator's
 * counters). Pure: the caller gathers, this judges; each violation says what, where and by how much.
 */
export interface Evidence {
  /** Pieces the simulator made per machine since the run began. */
  produced: Record<string, { good: number; scrap: number }>;
  erp: ErpBooks;
  releases: OrderReleased[];
  /** What the signal bridge counted per machine (`machine_counts`): where a difference arose, before or after it. */
  bridgeCounted: Record<string, { good: number; scrap: number }>;
  /** Production no order took, per line (the MES's `unassigned_production`). */
  unassigned: Record<string, { good: number; scrap: number }>;
  /** Counter deltas the bridge holds for a person's decision, per line and counter (not counted anywhere yet). */
  held: Record<string, { good: number; scrap: number }>;
  /** The end phase of each released order's workflow (`confirmed`, or what it was stuck in). */
  phases: Record<string, string>;
  /** Work-order workflows Temporal holds, by ERP order id (a duplicate release must not add one). */
  workflowOrderIds: string[];
  /** Quality holds the soak placed, by order (each wants one notification). */
  qualityHolds: Record<string, number>;
  /** Every shift workflow of the site, how it ended, and the ERP's documents under a closed shift's downtime keys. */
  shifts: ShiftBooks[];
  /** The reconciliation of the whole site (GET /reconciliation): orders with differences, orders it could not read. */
  reconciliation: { orders: number; withDifferences: Array<{ erpOrderId: string; differences: unknown[] }>; failed: Array<{ erpOrderId: string; error: string }> } | { error: string };
}

const itemsKey = (p: ErpPosting) =>
  p.items.map((i) => `${i.material}:${fmt(milli(i.quantity))}:${i.unit}`).sort().join(',');

/** Every violation of the soak's invariants in `e`, as sentences naming the order, key or line; empty when none. */
export function checkInvariants(e: Evidence): string[] {
  const v: string[] = [];
  /** Per counting point: made by the simulator against counted by the bridge, so a difference names its stage. */
  const stage = (line: LineCode, c: 'good' | 'scrap') =>
    LINES[line].countingPoints
      .map((m) => `${m} made ${e.produced[m]?.[c] ?? 0}, bridge counted ${e.bridgeCounted[m]?.[c] ?? 0}`)
      .join(', ');
  const docsOf = (id: string) => e.erp.orders[id] ?? [];
  const confs = (id: string) => docsOf(id).filter((p) => p.kind === 'confirmation' && !p.cancelled);

  // 1. Every piece made at a counting point is confirmed once, or is unassigned production: per line.
  for (const line of LINE_CODES as LineCode[]) {
    const made = LINES[line].countingPoints.reduce((s, m) => ({ good: s.good + (e.produced[m]?.good ?? 0), scrap: s.scrap + (e.produced[m]?.scrap ?? 0) }), { good: 0, scrap: 0 });
    const orders = e.releases.filter((r) => r.line === line).map((r) => r.erpOrderId);
    const confirmed = orders.flatMap(confs).reduce((s, p) => ({ good: s.good + milli(p.yieldQty ?? '0'), scrap: s.scrap + milli(p.scrapQty ?? '0') }), { good: 0, scrap: 0 });
    const un = e.unassigned[line] ?? { good: 0, scrap: 0 };
    const held = e.held[line] ?? { good: 0, scrap: 0 };
    // A held delta is what the readings would mean (a glitch's recovery reads as the whole counter), not pieces
    // made: it counts nowhere until a person decides, so it is named beside a difference, never added to it.
    for (const c of ['good', 'scrap'] as const) {
      const accounted = confirmed[c] / 1000 + un[c];
      if (accounted !== made[c])
        v.push(`${line} ${c}: made ${made[c]} at ${LINES[line].countingPoints.join('+')}, accounted ${accounted} (ERP confirmed ${fmt(confirmed[c])}, unassigned ${un[c]}): ${accounted > made[c] ? 'doubled' : 'lost'} ${Math.abs(accounted - made[c])}${held[c] > 0 ? `; counter holds waiting for a person: ${held[c]}` : ''}; ${stage(line, c)}`);
    }
  }

  for (const r of e.releases) {
    const id = r.erpOrderId;
    const docs = docsOf(id);
    const c = confs(id);
    const yieldMilli = c.reduce((s, p) => s + milli(p.yieldQty ?? '0'), 0);
    // 2. The order closed, with exactly one final confirmation.
    if (e.phases[id] !== 'confirmed') v.push(`order ${id}: ended ${e.phases[id] ?? 'unknown'}, not confirmed`);
    const finals = c.filter((p) => p.isFinal).length;
    if (finals !== 1) v.push(`order ${id}: ${finals} final confirmations in the ERP`);
    // 3. Goods movements are the BOM x yield per component, and the receipt the yield when the policy asks for it.
    // As reconciliation counts them: receipts into either stock, and blocked stock apart (services/reconciliation).
    const net = new Map<string, number>();
    const family = { issue: 'GI', receipt: 'GR', blocked: 'BL' } as const;
    for (const p of docs.filter((x) => x.kind === 'goods-movement')) {
      for (const [f, sign] of movementEffects(p)) {
        for (const i of p.items ?? []) net.set(`${family[f]}:${i.material}`, (net.get(`${family[f]}:${i.material}`) ?? 0) + sign * milli(i.quantity));
      }
    }
    for (const b of BOMS[r.material] ?? []) {
      const want = (milli(b.quantityPer) * yieldMilli) / 1000;
      const got = net.get(`GI:${b.component}`) ?? 0;
      if (got !== want) v.push(`order ${id}: net goods issue of ${b.component} ${fmt(got)} ${b.unit}, BOM x yield ${fmt(want)} ${b.unit} (yield ${fmt(yieldMilli)})`);
      net.delete(`GI:${b.component}`);
    }
    for (const [k, q] of net) if (k.startsWith('GI:') && q !== 0) v.push(`order ${id}: goods issue of ${k.slice(3)} outside the BOM: ${fmt(q)}`);
    const gr = net.get(`GR:${r.material}`) ?? 0;
    const wantGr = r.confirmationPolicy?.goodsReceipt ? yieldMilli : 0;
    if (gr !== wantGr) v.push(`order ${id}: net goods receipt ${fmt(gr)}, want ${fmt(wantGr)} (goodsReceipt ${r.confirmationPolicy?.goodsReceipt ?? false})`);
    // Every hold was released: whatever went to blocked stock left it (343), received once.
    const blocked = net.get(`BL:${r.material}`) ?? 0;
    if (blocked !== 0) v.push(`order ${id}: ${fmt(blocked)} left in blocked stock after every hold was released`);
    // 4. Every reversal (262, 102) matches a distinct original (261, 101) of the same order, item for item.
    for (const [orig, rev] of [['261', '262'], ['101', '102'], ['343', '344'], ['555', '556']] as const) {
      const originals = docs.filter((p) => p.movementType === orig).map(itemsKey);
      for (const p of docs.filter((x) => x.movementType === rev)) {
        const i = originals.indexOf(itemsKey(p));
        if (i < 0) v.push(`order ${id}: ${rev} ${p.document} (${itemsKey(p)}) reverses no ${orig} of the order`);
        else originals.splice(i, 1);
      }
    }
    // 5. Each quality hold the soak placed has exactly one notification: the documents under the order's
    // notification keys (SAP lists no notifications by order).
    const qn = e.erp.keys.filter((k) => k.kind === 'quality-notification' && k.workflowId === workOrderWorkflowId(SITE, id)).reduce((n, k) => n + k.documents.length, 0);
    if (qn !== (e.qualityHolds[id] ?? 0)) v.push(`order ${id}: ${qn} quality notifications in the ERP, ${e.qualityHolds[id] ?? 0} holds placed`);
  }

  // 6. Nothing posted twice under one key, nothing the MES took as posted missing, no document under a key the MES
  // never posted; downtime once per machine stretch.
  const underKeys = new Set<string>();
  for (const k of e.erp.keys) {
    for (const d of k.documents) underKeys.add(`${k.kind}:${d}`);
    if (k.documents.length > 1) v.push(`posting key ${k.kind}:${k.postingKey} holds ${k.documents.length} documents (${k.documents.join(', ')})`);
    // The ledger's statuses that mean the ERP answered with a document (reversed and cancelled ones still stand).
    if (k.documents.length === 0 && ['posted', 'reversed', 'cancelled'].includes(k.status))
      v.push(`posting key ${k.kind}:${k.postingKey} is ${k.status} in the MES as ${k.mesDocument ?? '(no document)'}, the ERP holds no document under it`);
  }
  for (const r of e.releases)
    for (const p of docsOf(r.erpOrderId))
      if (!underKeys.has(`${p.kind}:${p.document}`)) v.push(`order ${r.erpOrderId}: ${p.kind} ${p.document} (reference ${p.reference ?? 'none'}) is under no key the MES posted`);
  const stretches = new Map<string, number>();
  for (const d of e.erp.downtime) {
    if (!underKeys.has(`downtime:${d.document}`)) v.push(`downtime ${d.document} (reference ${d.reference ?? 'none'}) is under no key the MES posted`);
    // With its end and state: SAP keeps whole seconds, so two short stretches of one machine may start in one second.
    const stretch = `${d.machine} ${d.state ?? ''} ${d.startedAt}..${d.endedAt}`;
    stretches.set(stretch, (stretches.get(stretch) ?? 0) + 1);
  }
  for (const [k, n] of stretches) if (n > 1) v.push(`downtime ${k} posted ${n} times`);
  // Every ended shift closed, and what each reports as posted is in the ERP once: downtime exists, not only no doubles.
  v.push(...checkShiftDowntime(e.shifts, e.erp.downtime));

  // 7. Releases sent twice or malformed made no order of their own: one workflow per released order, no other.
  const released = new Set(e.releases.map((r) => r.erpOrderId));
  const wf = new Map<string, number>();
  for (const id of e.workflowOrderIds) wf.set(id, (wf.get(id) ?? 0) + 1);
  for (const id of released) if ((wf.get(id) ?? 0) !== 1) v.push(`order ${id}: ${wf.get(id) ?? 0} work-order workflows`);
  for (const id of wf.keys()) if (!released.has(id)) v.push(`work-order workflow for ${id}, which the soak never released`);

  // 8. Reconciliation agrees: every order, no differences, none it could not read.
  const rc = e.reconciliation;
  if ('error' in rc) v.push(`reconciliation failed: ${rc.error}`);
  else {
    if (rc.orders !== released.size) v.push(`reconciliation saw ${rc.orders} orders, ${released.size} released`);
    for (const o of rc.withDifferences) v.push(`reconciliation: order ${o.erpOrderId}: ${JSON.stringify(o.differences)}`);
    for (const f of rc.failed) v.push(`reconciliation could not read order ${f.erpOrderId}: ${f.error}`);
  }
  return v;
}
