import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { DefaultLogger, Worker, type WorkflowBundle } from '@temporalio/worker';
import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import type { Activities } from '../../../activities/index.js';
import type { ConfirmationPostingInput, QualityNotificationInput } from '../../../activities/erp-postings.js';
import type { GoodsMovementItem } from '../../../contracts/erp-port.js';
import type { InspectionCharacteristic, Measurement, QualityEvent } from '../../../contracts/messages/inspection.js';
import type { ProductionDeltas } from '../../../contracts/messages/outbox-delta.js';
import type { ConfirmationPolicy, OrderReleased } from '../../../contracts/messages/order-release.js';
import { startTemporal, type TemporalServer } from '../../../stack/temporal.js';
import { installTemporalRuntime } from '../../../workers/wiring/temporal-runtime.js';
import { bundleMesWorkflows } from '../../../workers/wiring/temporal-worker.js';
import { workflowSpanSinks } from '../../../workers/wiring/temporal-tracing.js';
import { statusQuery } from '../../../workflows/definitions.js';
import { workOrderWorkflow } from '../../../workflows/work-order.js';

// What the work-order workflow tests share: one dev server and bundle per test file, a typed fake of the activities.
let temporal: TemporalServer;
let bundle: WorkflowBundle;

/** Starts the dev server and bundles the workflows for the calling test file; stops the server after it. */
export function useTemporal(): void {
  let dataDir: string;
  beforeAll(async () => {
    installTemporalRuntime(pino({ level: 'silent' }), 'ERROR');
    dataDir = await mkdtemp(path.join(tmpdir(), 'mes-wf-'));
    [temporal, bundle] = await Promise.all([
      startTemporal({ dataDir }),
      bundleMesWorkflows(new DefaultLogger('ERROR')),
    ]);
  });
  afterAll(async () => {
    await temporal?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
}

export const client = (): Client => temporal.env.client;

/** With MES_RECORD_HISTORIES=1, keeps the run's history in test/fixtures/histories/ for the replay test. */
export async function recordHistory(h: WorkflowHandle, file: string): Promise<void> {
  if (!process.env.MES_RECORD_HISTORIES) return;
  await writeFile(path.join(import.meta.dirname, '../../fixtures/histories', file), historyToJSON(await h.fetchHistory()));
}

export const release = (erpOrderId: string, quantity: string): OrderReleased => ({
  v: 1, site: 'plant1', erpOrderId, material: 'BRACKET-A', quantity, unit: 'PC', line: 'line-2', operation: '0010',
  releasedAt: '2026-01-05T06:00:00Z',
});
export const ev = (id: string, good = 1, scrap = 0) => ({ eventId: id, machine: 'm1', sourceTime: '2026-01-05T06:00:00Z', good, scrap });

/**
 * Activities that record what the workflow asked. `batch`: the batch choice puts every component on that batch (else
 * the items stay as they are); `genealogy` lists the batch choices, releases and outputs as `<activity> <key>`.
 * `characteristics`: the order context's inspection characteristics (automatic quality); `qualityEvents` collects
 * what it publishes. `batchManaged`: the order's material is batch-managed (its receipts name the finished batch).
 * `rejectFirstBlockedReceipt`: the ERP refuses the first receipt into blocked stock.
 */
export function fakeActivities(opts: { rejectFirst: boolean; rejectFirstReversal?: boolean; batch?: string; characteristics?: InspectionCharacteristic[]; batchManaged?: boolean; rejectFirstBlockedReceipt?: boolean }) {
  const genealogy: string[] = [];
  const qualityEvents: QualityEvent[] = [];
  const posted: ConfirmationPostingInput[] = [];
  const movements: Array<{ kind: string; postingSeq: number; goodsIssueSeq?: number; reverses?: number; items: GoodsMovementItem[] }> = [];
  const late: string[] = [];
  const notifications: QualityNotificationInput[] = [];
  const doc = (input: { workflowId: string; postingSeq: number }, document: string) =>
    ({ document, postingKey: `${input.workflowId}#${input.postingSeq}`, replayed: false });
  const activities: Activities = {
    async postConfirmation(input) {
      posted.push(input);
      if (opts.rejectFirst && posted.length === 1) throw ApplicationFailure.nonRetryable('order 1000 is locked by user BOB', 'ErpRejected');
      return doc(input, '4900000001');
    },
    async postGoodsIssue(input) {
      movements.push({ kind: '261', postingSeq: input.postingSeq, items: input.items });
      return doc(input, `GI${input.postingSeq}`);
    },
    async postGoodsReceipt(input) {
      movements.push({ kind: '101', postingSeq: input.postingSeq, items: input.items });
      return doc(input, `GR${input.postingSeq}`);
    },
    async reverseGoodsIssue(input) {
      if (opts.rejectFirstReversal && !movements.some((m) => m.kind === 'refused-262')) {
        movements.push({ kind: 'refused-262', postingSeq: input.postingSeq, items: [] });
        throw ApplicationFailure.nonRetryable('posting period 2026/01 is closed', 'ErpRejected');
      }
      movements.push({ kind: '262', postingSeq: input.postingSeq, goodsIssueSeq: input.goodsIssueSeq, items: input.items });
      return doc(input, `RV${input.postingSeq}`);
    },
    async postGoodsMovementCorrection(input) {
      movements.push({ kind: input.movementType, postingSeq: input.postingSeq, items: input.items });
      return doc(input, `MC${input.postingSeq}`);
    },
    async reverseGoodsReceipt(input) {
      movements.push({ kind: '102', postingSeq: input.postingSeq, reverses: input.goodsReceiptSeq, items: input.items });
      return doc(input, `RR${input.postingSeq}`);
    },
    async postBlockedReceipt(input) {
      if (opts.rejectFirstBlockedReceipt && !movements.some((m) => m.kind === 'refused-101-blocked')) {
        movements.push({ kind: 'refused-101-blocked', postingSeq: input.postingSeq, items: [] });
        throw ApplicationFailure.nonRetryable('InventoryUsabilityCode is not a property of A_MaterialDocumentItem', 'ErpRejected');
      }
      movements.push({ kind: '101-blocked', postingSeq: input.postingSeq, items: input.items });
      return doc(input, `BR${input.postingSeq}`);
    },
    async moveBlockedStock(input) {
      movements.push({ kind: input.movementType, postingSeq: input.postingSeq, items: input.items });
      return doc(input, `BM${input.postingSeq}`);
    },
    async reverseBlockedStock(input) {
      movements.push({ kind: input.movementType === '102' ? '102-blocked' : input.movementType, postingSeq: input.postingSeq, reverses: input.originalSeq, items: input.items });
      return doc(input, `BV${input.postingSeq}`);
    },
    async cancelConfirmation(input) {
      movements.push({ kind: 'cancel', postingSeq: input.postingSeq, reverses: input.confirmationSeq, items: [] });
      return doc(input, `CC${input.postingSeq}`);
    },
    async loadOrderContext() {
      return {
        bom: [{ component: 'SHEET-2MM', quantityPer: '0.250', unit: 'KG' }, { component: 'SCREW-M6', quantityPer: '4.000', unit: 'PC' }],
        plant: '1010', storageLocation: '0002', materialUnit: 'PC',
        ...(opts.characteristics ? { characteristics: opts.characteristics } : {}),
        ...(opts.batchManaged ? { materialBatchManaged: true } : {}),
      };
    },
    async loadLineContext() {
      return { plant: '1010', costCenter: 'CC1000' };
    },
    async nextShift() {
      return null;
    },
    async raiseQualityNotification(input) {
      notifications.push(input);
      return doc(input, `QN${input.postingSeq}`);
    },
    async postDowntime(input) {
      return doc(input, `DT${input.postingSeq}`);
    },
    async upsertWorkOrder() {},
    async upsertShiftOee() {},
    async recordLateCounts(input) {
      late.push(...input.counts.map((c) => c.eventId));
    },
    async allocateComponentBatches(input) {
      genealogy.push(`allocate ${input.postingKey}`);
      return opts.batch ? input.items.map((i) => ({ ...i, batch: opts.batch })) : input.items;
    },
    async releaseComponentBatches(input) {
      genealogy.push(`release ${input.goodsIssueKey}`);
    },
    async recordOrderOutput(input) {
      genealogy.push(`output ${input.postingKey} ${input.confirmedBefore}+${input.yieldQty}`);
      return { batch: input.batch ?? input.erpOrderId, serialCount: 0 };
    },
    async publishQualityEvents(events) {
      qualityEvents.push(...events);
    },
  };
  return { posted, movements, late, notifications, genealogy, qualityEvents, activities };
}

export async function withWorker<T>(activities: Activities, taskQueue: string, fn: () => Promise<T>): Promise<T> {
  const worker = await Worker.create({ connection: temporal.env.nativeConnection, taskQueue, workflowBundle: bundle, activities, sinks: workflowSpanSinks() });
  return worker.runUntil(fn);
}

/**
 * Runs one order with a confirmation policy; `confirmed(n)` waits until the workflow has confirmed n, so a test counts
 * on only after a partial (else one workflow task could see every count at once).
 */
export async function withPolicyOrder(
  activities: Activities,
  name: string,
  quantity: string,
  policy: Omit<ConfirmationPolicy, 'overdeliveryTolerancePct'>,
  fn: (h: WorkflowHandle<typeof workOrderWorkflow>, confirmed: (n: number) => Promise<void>) => Promise<void>,
  /** More of the release (e.g. the ERP order's `components`). */
  extra: Partial<OrderReleased> = {},
): Promise<void> {
  const taskQueue = `wf-${name}`;
  await withWorker(activities, taskQueue, async () => {
    const h = await client().workflow.start(workOrderWorkflow, {
      taskQueue, workflowId: `work-order:plant1:${name}`,
      args: [{ release: { ...release('2000003', quantity), ...extra, confirmationPolicy: { ...policy, overdeliveryTolerancePct: 0 } } }],
    });
    await fn(h, async (n) => {
      for (let i = 0; i < 200 && (await h.query(statusQuery)).confirmedGood !== n; i++) await new Promise((r) => setTimeout(r, 25));
    });
  });
}

/**
 * Oven temperatures and outbox ranges for the quality tests: `temp(v)` a tag value of oven-1 in CEL with a fresh id and
 * source time, `delta(good, ...values)` the next outbox range with `good` pieces of press-1 and the values.
 */
export function qualityFixtures() {
  let seq = 0;
  let id = 0;
  const temp = (value: number): Measurement => ({ id: `oven-1:temperature:${++id}`, source: 'tag', machine: 'oven-1', tag: 'temperature', value, unit: 'CEL', sourceTime: new Date(Date.UTC(2026, 0, 5, 7, 0, id)).toISOString() });
  const delta = (good: number, ...measurements: Measurement[]): ProductionDeltas => ({
    v: 1, source: 'outbox', fromSeq: ++seq, toSeq: seq, duplicatesDropped: 0,
    machines: good > 0 ? [{ machine: 'press-1', good, scrap: 0, events: 1, lastSourceTime: '2026-01-05T07:00:00Z' }] : [],
    ...(measurements.length > 0 ? { measurements } : {}),
  });
  return { temp, delta };
}
