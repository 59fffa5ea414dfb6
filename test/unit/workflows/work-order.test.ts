import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundle } from '@temporalio/worker';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../../activities/index.js';
import type { ConfirmationPostingInput, QualityNotificationInput } from '../../../activities/erp-postings.js';
import type { GoodsMovementItem } from '../../../contracts/erp-port.js';
import type { ConfirmationPolicy, OrderReleased } from '../../../contracts/messages/order-release.js';
import { startTemporal, type TemporalServer } from '../../../stack/temporal.js';
import { installTemporalRuntime } from '../../../workers/wiring/temporal-runtime.js';
import { workflowsPath } from '../../../workers/wiring/temporal-worker.js';
import {
  cancelOrderUpdate,
  completeOrderSignal,
  holdOrderUpdate,
  productionCountsSignal,
  qualityDispositionUpdate,
  qualityHoldUpdate,
  resumeOrderUpdate,
  retryPostingSignal,
  statusQuery,
} from '../../../workflows/definitions.js';
import { workOrderWorkflow } from '../../../workflows/work-order.js';

// Workflow logic against a real Temporal dev server, with the activities replaced by a typed plain object.
let temporal: TemporalServer;
let bundle: WorkflowBundle;
let dataDir: string;
const historiesDir = path.join(import.meta.dirname, '../../fixtures/histories');

beforeAll(async () => {
  installTemporalRuntime(pino({ level: 'silent' }), 'ERROR');
  dataDir = await mkdtemp(path.join(tmpdir(), 'mes-wf-'));
  [temporal, bundle] = await Promise.all([
    startTemporal({ dataDir }),
    bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('ERROR') }),
  ]);
});
afterAll(async () => {
  await temporal?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const release = (erpOrderId: string, quantity: string): OrderReleased => ({
  v: 1, site: 'plant1', erpOrderId, material: 'BRACKET-A', quantity, unit: 'PC', line: 'line-2', operation: '0010',
  releasedAt: '2026-01-05T06:00:00Z',
});
const ev = (id: string, good = 1, scrap = 0) => ({ eventId: id, machine: 'm1', sourceTime: '2026-01-05T06:00:00Z', good, scrap });

function fakeActivities(opts: { rejectFirst: boolean; rejectFirstReversal?: boolean }) {
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
    async cancelConfirmation(input) {
      movements.push({ kind: 'cancel', postingSeq: input.postingSeq, reverses: input.confirmationSeq, items: [] });
      return doc(input, `CC${input.postingSeq}`);
    },
    async loadOrderContext() {
      return {
        bom: [{ component: 'SHEET-2MM', quantityPer: '0.250', unit: 'KG' }, { component: 'SCREW-M6', quantityPer: '4.000', unit: 'PC' }],
        plant: '1010', storageLocation: '0002', materialUnit: 'PC',
      };
    },
    async loadLineContext() {
      return { plant: '1010', costCenter: 'CC1000' };
    },
    async raiseQualityNotification(input) {
      notifications.push(input);
      return doc(input, `QN${input.postingSeq}`);
    },
    async postDowntime(input) {
      return doc(input, `DT${input.postingSeq}`);
    },
    async upsertWorkOrder() {},
    async recordLateCounts(input) {
      late.push(...input.counts.map((c) => c.eventId));
    },
  };
  return { posted, movements, late, notifications, activities };
}

async function withWorker<T>(activities: Activities, taskQueue: string, fn: () => Promise<T>): Promise<T> {
  const worker = await Worker.create({ connection: temporal.env.nativeConnection, taskQueue, workflowBundle: bundle, activities });
  return worker.runUntil(fn);
}

/**
 * Runs one order with a confirmation policy; `confirmed(n)` waits until the workflow has confirmed n, so a test counts
 * on only after a partial (else one workflow task could see every count at once).
 */
async function withPolicyOrder(
  activities: Activities,
  name: string,
  quantity: string,
  policy: Omit<ConfirmationPolicy, 'overdeliveryTolerancePct'>,
  fn: (h: WorkflowHandle<typeof workOrderWorkflow>, confirmed: (n: number) => Promise<void>) => Promise<void>,
): Promise<void> {
  const taskQueue = `wf-${name}`;
  await withWorker(activities, taskQueue, async () => {
    const h = await temporal.env.client.workflow.start(workOrderWorkflow, {
      taskQueue, workflowId: `work-order:plant1:${name}`,
      args: [{ release: { ...release('2000003', quantity), confirmationPolicy: { ...policy, overdeliveryTolerancePct: 0 } } }],
    });
    await fn(h, async (n) => {
      for (let i = 0; i < 200 && (await h.query(statusQuery)).confirmedGood !== n; i++) await new Promise((r) => setTimeout(r, 25));
    });
  });
}

describe('workOrderWorkflow', () => {
  it('continues as new with its counts and seen ids, and confirms the full quantity once', async () => {
    const { posted, movements, activities } = fakeActivities({ rejectFirst: false });
    const taskQueue = 'wf-can';
    await withWorker(activities, taskQueue, async () => {
      const h = await temporal.env.client.workflow.start(workOrderWorkflow, {
        taskQueue, workflowId: 'work-order:plant1:can-1', args: [{ release: release('2000001', '300'), continueAsNewAfterEvents: 50 }],
      });
      const firstRunId = h.firstExecutionRunId;
      for (let i = 0; i < 290; i += 10) {
        const events = Array.from({ length: 10 }, (_, j) => ev(`e${i + j}`));
        await h.signal(productionCountsSignal, { v: 1, events });
        if (i >= 10) await h.signal(productionCountsSignal, { v: 1, events: [ev(`e${i - 5}`)] }); // redelivery across runs
      }
      const mid = await h.query(statusQuery);
      expect(mid).toMatchObject({ good: 290, eventsApplied: 290, duplicatesDropped: 28, phase: 'running' });
      await h.signal(productionCountsSignal, { v: 1, events: Array.from({ length: 10 }, (_, j) => ev(`f${j}`)) });
      const result = await h.result();
      expect(result).toMatchObject({ phase: 'confirmed', good: 300, confirmationDocument: '4900000001' });
      const first = await temporal.env.client.workflow.getHandle(h.workflowId, firstRunId).describe();
      expect(first.status.name).toBe('CONTINUED_AS_NEW');
      expect(posted).toHaveLength(1);
      expect(posted[0]).toMatchObject({ postingSeq: 1, yieldQty: '300', scrapQty: '0', isFinal: true });
      expect(movements).toEqual([{ kind: '261', postingSeq: 2, items: [
        { material: 'SHEET-2MM', quantity: '75', unit: 'KG' }, { material: 'SCREW-M6', quantity: '1200', unit: 'PC' }] }]);
    });
  });

  it('parks an ERP rejection as an exception a person resolves, then posts under the same key', async () => {
    const { posted, movements, activities } = fakeActivities({ rejectFirst: true });
    const taskQueue = 'wf-reject';
    await withWorker(activities, taskQueue, async () => {
      const h = await temporal.env.client.workflow.start(workOrderWorkflow, {
        taskQueue, workflowId: 'work-order:plant1:reject-1', args: [{ release: release('2000002', '100') }],
      });
      await h.signal(productionCountsSignal, { v: 1, events: [ev('a', 40, 2), ev('b', 30)] });
      await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'alice' });
      let status = await h.query(statusQuery);
      for (let i = 0; i < 100 && status.phase !== 'exception'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        status = await h.query(statusQuery);
      }
      expect(status).toMatchObject({ phase: 'exception', exception: 'order 1000 is locked by user BOB' });
      await h.signal(retryPostingSignal, { requestedBy: 'alice' });
      expect(await h.result()).toMatchObject({ phase: 'confirmed', good: 70, scrap: 2, exception: null });
      expect(posted.map((p) => p.postingSeq)).toEqual([1, 1]);
      // The refused confirmation's backflush is reversed (262 of 261 seq 2), the retry issues under new numbers.
      expect(movements.map((m) => [m.kind, m.postingSeq, m.goodsIssueSeq])).toEqual([['261', 2, undefined], ['262', 3, 2], ['261', 4, undefined]]);
      expect(movements[1]!.items).toEqual(movements[0]!.items);
      if (process.env.MES_RECORD_HISTORIES) {
        const history = await h.fetchHistory();
        await writeFile(path.join(historiesDir, 'work-order-rejected-then-confirmed.json'), historyToJSON(history));
      }
    });
  });

  it('parks a refused reversal for a person too, instead of failing the order, then reverses and parks the refusal', async () => {
    const { movements, activities } = fakeActivities({ rejectFirst: true, rejectFirstReversal: true });
    await withWorker(activities, 'wf-reject-reversal', async () => {
      const h = await temporal.env.client.workflow.start(workOrderWorkflow, {
        taskQueue: 'wf-reject-reversal', workflowId: 'work-order:plant1:reject-2', args: [{ release: release('2000012', '100') }],
      });
      await h.signal(productionCountsSignal, { v: 1, events: [ev('a', 40, 2)] });
      await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'alice' });
      const parked = async (exception: string) => {
        for (let i = 0; i < 100 && (await h.query(statusQuery)).exception !== exception; i++) await new Promise((r) => setTimeout(r, 50));
        expect(await h.query(statusQuery)).toMatchObject({ phase: 'exception', exception });
      };
      await parked('posting period 2026/01 is closed');
      await h.signal(retryPostingSignal, { requestedBy: 'alice' });
      await parked('order 1000 is locked by user BOB');
      await h.signal(retryPostingSignal, { requestedBy: 'alice' });
      expect(await h.result()).toMatchObject({ phase: 'confirmed', good: 40, confirmedGood: 40 });
      expect(movements.map((m) => [m.kind, m.postingSeq])).toEqual([['261', 2], ['refused-262', 3], ['262', 3], ['261', 4]]);
    });
  });

  it('confirms partially every N units with backflush and goods receipt, then the rest at completion', async () => {
    const { posted, movements, activities } = fakeActivities({ rejectFirst: false });
    await withPolicyOrder(activities, 'partial-1', '250', { partialEvery: 100, goodsReceipt: true }, async (h, confirmed) => {
      await h.signal(productionCountsSignal, { v: 1, events: [ev('a', 60), ev('b', 50, 3)] }); // 110: partial
      await confirmed(110);
      await h.signal(productionCountsSignal, { v: 1, events: [ev('c', 40)] }); // 150
      await h.signal(productionCountsSignal, { v: 1, events: [ev('d', 60)] }); // 210: partial of 100
      await confirmed(210);
      await h.signal(productionCountsSignal, { v: 1, events: [ev('e', 40, 1)] }); // 250: final of 40
      const done = await h.result();
      expect(done).toMatchObject({ phase: 'confirmed', good: 250, confirmedGood: 250, confirmedScrap: 4 });
      expect(posted.map((p) => [p.postingSeq, p.yieldQty, p.isFinal])).toEqual([[2, '110', false], [6, '100', false], [1, '40', true]]);
      expect(posted.map((p) => p.check?.confirmedBefore)).toEqual([0, 110, 210]);
      const receipts = movements.filter((m) => m.kind === '101').map((m) => m.items[0]!.quantity);
      expect(receipts).toEqual(['110', '100', '40']);
      const screws = movements.filter((m) => m.kind === '261').map((m) => m.items.find((i) => i.material === 'SCREW-M6')!.quantity);
      expect(screws).toEqual(['440', '400', '160']);
      const keys = [...posted.map((p) => p.postingSeq), ...movements.map((m) => m.postingSeq)];
      expect(new Set(keys).size).toBe(keys.length);
    });
  });

  it('confirms partially by time, only when something was counted since the last confirmation', async () => {
    const { posted, activities } = fakeActivities({ rejectFirst: false });
    await withPolicyOrder(activities, 'period-1', '100', { partialEveryMinutes: 0.01, goodsReceipt: false }, async (h, confirmed) => {
      await h.signal(productionCountsSignal, { v: 1, events: [ev('a', 30)] });
      await confirmed(30);
      await new Promise((r) => setTimeout(r, 1_500)); // two periods with nothing counted: no empty partials
      await h.signal(productionCountsSignal, { v: 1, events: [ev('b', 20)] });
      await confirmed(50);
      await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'alice' });
      expect(await h.result()).toMatchObject({ phase: 'confirmed', confirmedGood: 50 });
      expect(posted.map((p) => [p.yieldQty, p.isFinal])).toEqual([['30', false], ['20', false], ['0', true]]);
    });
  });

  it('holds a planner command: no confirmation while held, confirms after resume; refuses bad commands', async () => {
    const { posted, activities } = fakeActivities({ rejectFirst: false });
    const taskQueue = 'wf-hold';
    await withWorker(activities, taskQueue, async () => {
      const h = await temporal.env.client.workflow.start(workOrderWorkflow, {
        taskQueue, workflowId: 'work-order:plant1:hold-1', args: [{ release: release('2000010', '10') }],
      });
      const refused = await h.executeUpdate(resumeOrderUpdate, { args: [{ reason: 'x', requestedBy: 'ann' }] }).catch((e: Error) => e);
      expect((refused as Error & { cause?: Error }).cause?.message).toMatch(/not held/);
      const held = await h.executeUpdate(holdOrderUpdate, { args: [{ reason: 'tool change', requestedBy: 'ann' }] });
      expect(held).toMatchObject({ held: true, phase: 'released' });
      await h.signal(productionCountsSignal, { v: 1, events: [ev('a', 10)] });
      expect(await h.query(statusQuery)).toMatchObject({ good: 10, phase: 'running', held: true });
      expect(posted).toHaveLength(0);
      await h.executeUpdate(resumeOrderUpdate, { args: [{ reason: 'done', requestedBy: 'ann' }] });
      expect(await h.result()).toMatchObject({ phase: 'confirmed', good: 10, held: false });
      // The run has completed: an update to it is refused by the server.
      await expect(h.executeUpdate(cancelOrderUpdate, { args: [{ reason: 'x', requestedBy: 'ann' }] })).rejects.toThrow();
    });
  });

  it('cancels an open order without posting anything to the ERP', async () => {
    const { posted, activities } = fakeActivities({ rejectFirst: false });
    const taskQueue = 'wf-cancel';
    await withWorker(activities, taskQueue, async () => {
      const h = await temporal.env.client.workflow.start(workOrderWorkflow, {
        taskQueue, workflowId: 'work-order:plant1:cancel-1', args: [{ release: release('2000011', '100') }],
      });
      await h.signal(productionCountsSignal, { v: 1, events: [ev('a', 3)] });
      const cancelled = await h.executeUpdate(cancelOrderUpdate, { args: [{ reason: 'ERP order deleted', requestedBy: 'ann' }] });
      expect(cancelled).toMatchObject({ phase: 'cancelled', good: 3 });
      expect(await h.result()).toMatchObject({ phase: 'cancelled' });
      expect(posted).toHaveLength(0);
    });
  });

  it('cancels an order with partial confirmations by taking every posting back, the last first', async () => {
    const { posted, movements, activities } = fakeActivities({ rejectFirst: false });
    await withPolicyOrder(activities, 'cancel-2', '300', { partialEvery: 100, goodsReceipt: true }, async (h, confirmed) => {
      await h.signal(productionCountsSignal, { v: 1, events: [ev('a', 100, 2)] });
      await confirmed(100);
      await h.signal(productionCountsSignal, { v: 1, events: [ev('b', 120, 1)] });
      await confirmed(220);
      const cancelled = await h.executeUpdate(cancelOrderUpdate, { args: [{ reason: 'customer order withdrawn', requestedBy: 'ann' }] });
      expect(cancelled).toMatchObject({ phase: 'cancelled', good: 220, confirmedGood: 0, confirmedScrap: 0 });
      expect(posted.map((p) => [p.postingSeq, p.yieldQty])).toEqual([[2, '100'], [6, '120']]);
      // Posted: 261 #3, conf #2, 101 #5, then 261 #7, conf #6, 101 #9 (4 and 8 are kept for compensations); taken back
      // in exactly the reverse order, each under a sequence of its own.
      expect(movements.map((m) => [m.kind, m.postingSeq, m.reverses ?? m.goodsIssueSeq ?? null])).toEqual([
        ['261', 3, null], ['101', 5, null], ['261', 7, null], ['101', 9, null],
        ['102', 10, 9], ['cancel', 11, 6], ['262', 12, 7], ['102', 13, 5], ['cancel', 14, 2], ['262', 15, 3],
      ]);
      const items = (seq: number) => movements.find((m) => m.postingSeq === seq)!.items;
      expect([items(10), items(12)]).toEqual([items(9), items(7)]);
    });
  });

  it('keeps quality-held units out of every confirmation, tells the ERP once, and confirms them after the disposition', async () => {
    const { posted, notifications, activities } = fakeActivities({ rejectFirst: false });
    await withPolicyOrder(activities, 'quality-1', '100', { partialEvery: 45, goodsReceipt: false }, async (h, confirmed) => {
      await h.signal(productionCountsSignal, { v: 1, events: [ev('a', 30)] });
      const tooMuch = await h.executeUpdate(qualityHoldUpdate, { args: [{ quantity: 31, defectText: 'burr', requestedBy: 'qa' }] }).catch((e: Error) => e);
      expect(String((tooMuch as Error & { cause?: Error }).cause?.message)).toMatch(/more than the 30 PC counted good/);
      const held = await h.executeUpdate(qualityHoldUpdate, { args: [{ quantity: 12, defectText: 'bore 10.32 mm over 10.30', requestedBy: 'quality.inspector.1' }] });
      expect(held).toMatchObject({ qualityHeld: 12, qualityHolds: [{ quantity: 12, disposition: null }] });
      const holdId = held.qualityHolds[0]!.id;
      await h.signal(productionCountsSignal, { v: 1, events: [ev('b', 30)] }); // 60 counted, 48 confirmable: a partial of 48
      await confirmed(48);
      await h.signal(productionCountsSignal, { v: 1, events: [ev('c', 40)] }); // 100 counted, 12 held: 40 confirmable (below 45), and the order waits for the disposition
      await new Promise((r) => setTimeout(r, 500));
      expect(await h.query(statusQuery)).toMatchObject({ phase: 'running', good: 100, confirmedGood: 48, qualityHeld: 12 });
      const decided = await h.executeUpdate(qualityDispositionUpdate, { args: [{ holdId, decision: 'scrap', requestedBy: 'qa' }] });
      expect(decided).toMatchObject({ good: 88, scrap: 12, qualityHeld: 0 });
      await expect(h.executeUpdate(qualityDispositionUpdate, { args: [{ holdId, decision: 'release', requestedBy: 'qa' }] })).rejects.toThrow();
      await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'ann' });
      expect(await h.result()).toMatchObject({ phase: 'confirmed', good: 88, scrap: 12, confirmedGood: 88, confirmedScrap: 12 });
      expect(posted.map((p) => [p.yieldQty, p.scrapQty, p.isFinal])).toEqual([['48', '0', false], ['40', '12', true]]);
      expect(notifications.map((n) => [n.postingSeq, n.quantity, n.reportedBy, n.defectText])).toEqual([[holdId, '12', 'quality.insp', 'bore 10.32 mm over 10.30']]);
    });
  });

  it('replays every recorded history with the current workflow code', async () => {
    const files = (await readdir(historiesDir)).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const history: unknown = JSON.parse(await readFile(path.join(historiesDir, f), 'utf8'));
      await Worker.runReplayHistory({ workflowBundle: bundle }, history, f);
    }
  });
});
