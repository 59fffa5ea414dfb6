import type { Client } from '@temporalio/client';
import type { ConfirmationRequest, ErpDocument, GoodsMovementRequest, PostingKind } from '../contracts/erp-port.js';
import { postingKey, workOrderWorkflowId } from '../contracts/ids.js';
import { SimErpAdapter } from '../erp/sim/adapter.js';
import { productionCountsSignal, statusQuery } from '../workflows/definitions.js';
import { workOrderWorkflow } from '../workflows/work-order.js';
import { cpuMeter } from './_proc.js';
import { note } from './_util.js';

// The realistic shape of `npm run bench -- erp`: few orders, many partial confirmations each, so workflow starts no
// longer dominate. Each confirmation is a saga of three postings: backflush 261, confirmation, goods receipt 101.

export const PARTIAL_ORDERS = 8;
/** Confirmations per order: PARTIALS - 1 partials and the final, each the same three postings. */
export const PARTIALS = 24;
const PARTIAL_EVERY = 10;
const POSTINGS_PER_SAGA = 3;

/**
 * The simulator's adapter, telling the bench when an order's backflush goes out: the confirmation has reserved its
 * yield then, so the next count signal makes the next partial, not a bigger one. The line "keeps up": the next
 * partial's units are there while the current one posts, as on a line that produces faster than the ERP confirms.
 */
export class ObservedErp extends SimErpAdapter {
  private readonly waiting = new Map<string, () => void>();
  /** When each posting's ERP call started and ended, by posting key (performance.now()). */
  readonly calls = new Map<string, { t0: number; t1: number }>();
  /** Look-ups by posting key (a re-post's look-up-before-post, a reversal's check); none expected on first attempts. */
  lookups = 0;

  override findPostings(key: string, kind?: PostingKind) {
    this.lookups += 1;
    return super.findPostings(key, kind);
  }

  private async timed(key: string, call: () => Promise<ErpDocument>): Promise<ErpDocument> {
    const t0 = performance.now();
    const doc = await call();
    this.calls.set(key, { t0, t1: performance.now() });
    return doc;
  }

  override postGoodsMovement(req: GoodsMovementRequest) {
    if (req.movementType === '261') {
      this.waiting.get(req.erpOrderId)?.();
      this.waiting.delete(req.erpOrderId);
    }
    return this.timed(req.postingKey, () => super.postGoodsMovement(req));
  }

  override postConfirmation(req: ConfirmationRequest) {
    return this.timed(req.postingKey, () => super.postConfirmation(req));
  }

  /** Resolves at the order's next 261. */
  nextGoodsIssue(erpOrderId: string): Promise<void> {
    return new Promise((resolve) => this.waiting.set(erpOrderId, resolve));
  }
}

/** When each posting activity (local first attempt or retried) started and ended, by posting key, in activity order. */
export const activityRuns: Array<{ key: string; name: string; a0: number; a1: number }> = [];

/** The worker's activities, each posting timed into `activityRuns`; the rest as they are. */
export function timedActivities<T extends Record<string, (input: never) => Promise<unknown>>>(activities: T): T {
  return Object.fromEntries(Object.entries(activities).map(([name, fn]) => [name, async (input: never) => {
    const a0 = performance.now();
    try {
      return await fn(input);
    } finally {
      const at = input as { workflowId?: string; postingSeq?: number };
      if (at.workflowId && at.postingSeq !== undefined) activityRuns.push({ key: postingKey(at.workflowId, at.postingSeq), name, a0, a1: performance.now() });
    }
  }])) as T;
}

const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / xs.length);
const round1 = (x: number | undefined) => (x === undefined ? undefined : Math.round(x * 10) / 10);

export interface PartialsDeps {
  client: Client;
  taskQueue: string;
  erp: ObservedErp;
  /** Posts one document the plain way (the direct loop): fetch, no ledger, no look-up, no Temporal. */
  post(path: string, body: unknown): Promise<void>;
  /** Other processes whose CPU counts per saga (the Temporal dev server, the ERP simulator). */
  pids: Record<string, number | undefined>;
}

/** Runs the shape through the saga and through the plain loop; figures for the bench's JSON line. */
export async function measurePartials(d: PartialsDeps) {
  const orderId = (i: number) => `7${String(i).padStart(5, '0')}`;
  const handles = await Promise.all(Array.from({ length: PARTIAL_ORDERS }, (_, i) => {
    const erpOrderId = orderId(i);
    return d.client.workflow.start(workOrderWorkflow, {
      taskQueue: d.taskQueue, workflowId: workOrderWorkflowId('bench', erpOrderId),
      args: [{ release: { v: 1, site: 'bench', erpOrderId, material: 'BRACKET-A', quantity: String(PARTIALS * PARTIAL_EVERY), unit: 'PC',
        line: 'line-2', operation: '0010', releasedAt: '2026-01-05T06:00:00Z',
        confirmationPolicy: { partialEvery: PARTIAL_EVERY, goodsReceipt: true, overdeliveryTolerancePct: 0 } } }],
    });
  }));
  // Started, context loaded: the window holds only counts and postings.
  await Promise.all(handles.map((h) => h.query(statusQuery)));
  const sagas = PARTIAL_ORDERS * PARTIALS;
  const total = sagas * POSTINGS_PER_SAGA;

  const lookups0 = d.erp.lookups;
  let meter = cpuMeter(d.pids);
  const t0 = performance.now();
  await Promise.all(handles.map(async (h, i) => {
    for (let k = 0; k < PARTIALS; k++) {
      const issued = d.erp.nextGoodsIssue(orderId(i));
      await h.signal(productionCountsSignal, { v: 1, events: [{ eventId: `p-${i}-${k}`, machine: 'm1', sourceTime: '2026-01-05T06:00:00Z', good: PARTIAL_EVERY, scrap: 0 }] });
      await issued;
    }
    await h.result();
  }));
  const sagaMs = performance.now() - t0;
  const sagaCpu = meter.read();
  const lookups = d.erp.lookups - lookups0;

  meter = cpuMeter(d.pids);
  const t1 = performance.now();
  await Promise.all(Array.from({ length: PARTIAL_ORDERS }, async (_, i) => {
    const erpOrderId = `8${String(i).padStart(5, '0')}`;
    for (let k = 0; k < PARTIALS; k++) {
      const key = `direct:partials:${i}:${k}`;
      await d.post('/api/goods-movements', { postingKey: `${key}#2`, erpOrderId, movementType: '261', items: [{ material: 'SHEET-2MM', quantity: '2.5', unit: 'KG' }, { material: 'SCREW-M6', quantity: '40', unit: 'PC' }] });
      await d.post('/api/confirmations', { postingKey: `${key}#1`, erpOrderId, operation: '0010', yieldQty: String(PARTIAL_EVERY), scrapQty: '0', unit: 'PC', isFinal: k === PARTIALS - 1 });
      await d.post('/api/goods-movements', { postingKey: `${key}#3`, erpOrderId, movementType: '101', items: [{ material: 'BRACKET-A', quantity: String(PARTIAL_EVERY), unit: 'PC' }] });
    }
  }));
  const directMs = performance.now() - t1;
  const directCpu = meter.read();

  // Where a saga's time goes, per posting: the activity up to its ERP call (ledger row `pending`, the attempt's
  // deadline), the ERP call, the activity after it (ledger row `posted`); between two postings of a saga, from one
  // activity's end to the next one's start (the local activity's completion through the SDK, the next activation);
  // between sagas, from the 101's end to the next 261's start (that, plus the workflow task's completion at the server
  // and the next task, which brings the next count signal).
  const before: number[] = [];
  const erpCall: number[] = [];
  const after: number[] = [];
  const withinSaga: number[] = [];
  const betweenSagas: number[] = [];
  for (const h of handles) {
    const mine = activityRuns.filter((r) => r.key.startsWith(`${h.workflowId}#`)).sort((a, b) => a.a0 - b.a0);
    mine.forEach((r, j) => {
      const call = d.erp.calls.get(r.key);
      if (call) {
        before.push(call.t0 - r.a0);
        erpCall.push(call.t1 - call.t0);
        after.push(r.a1 - call.t1);
      }
      const next = mine[j + 1];
      if (next) (next.name === 'postGoodsIssue' ? betweenSagas : withinSaga).push(next.a0 - r.a1);
    });
  }
  const perSaga = (ms: number | undefined) => round1(ms === undefined ? undefined : ms / sagas);
  const figures = {
    partialsOrders: PARTIAL_ORDERS,
    partialsPerOrder: PARTIALS,
    partialsPostings: total,
    partialsPostingsPerSec: Math.round((total / sagaMs) * 1000),
    partialsDirectPostingsPerSec: Math.round((total / directMs) * 1000),
    partialsRatioVsDirect: Number((directMs / sagaMs).toFixed(2)),
    partialsSagaMs: Math.round(sagaMs / PARTIALS),
    partialsDirectSagaMs: Math.round(directMs / PARTIALS),
    // Mean milliseconds of one posting's parts and of the gaps (see above); the direct loop has the ERP call only.
    partialsLedgerBeforeCallMs: round1(mean(before)),
    partialsErpCallMs: round1(mean(erpCall)),
    partialsLedgerAfterCallMs: round1(mean(after)),
    partialsBetweenPostingsMs: round1(mean(withinSaga)),
    partialsBetweenSagasMs: round1(mean(betweenSagas)),
    partialsLookups: lookups,
    cpuMsPerSaga: perSaga(sagaCpu.engine),
    temporalCpuMsPerSaga: perSaga(sagaCpu.temporal),
    erpSimCpuMsPerSaga: perSaga(sagaCpu.erpSim),
    directCpuMsPerSaga: perSaga(directCpu.engine),
    directErpSimCpuMsPerSaga: perSaga(directCpu.erpSim),
  };
  note(`partials (${PARTIAL_ORDERS} orders x ${PARTIALS}): ${JSON.stringify(figures)} (${before.length} postings timed)`);
  return figures;
}
