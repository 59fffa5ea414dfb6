import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundle } from '@temporalio/worker';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../../activities/index.js';
import type { ConfirmationPostingInput } from '../../../activities/erp-postings.js';
import type { OrderReleased } from '../../../contracts/messages/order-release.js';
import { startTemporal, type TemporalServer } from '../../../stack/temporal.js';
import { installTemporalRuntime } from '../../../workers/wiring/temporal-runtime.js';
import { workflowsPath } from '../../../workers/wiring/temporal-worker.js';
import { completeOrderSignal, productionCountsSignal, retryPostingSignal, statusQuery } from '../../../workflows/definitions.js';
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

function fakeActivities(opts: { rejectFirst: boolean }) {
  const posted: ConfirmationPostingInput[] = [];
  const activities: Activities = {
    async postConfirmation(input) {
      posted.push(input);
      if (opts.rejectFirst && posted.length === 1) throw ApplicationFailure.nonRetryable('order 1000 is locked by user BOB', 'ErpRejected');
      return { document: '4900000001', postingKey: `${input.workflowId}#${input.postingSeq}`, replayed: false };
    },
    async upsertWorkOrder() {},
  };
  return { posted, activities };
}

async function withWorker<T>(activities: Activities, taskQueue: string, fn: () => Promise<T>): Promise<T> {
  const worker = await Worker.create({ connection: temporal.env.nativeConnection, taskQueue, workflowBundle: bundle, activities });
  return worker.runUntil(fn);
}

describe('workOrderWorkflow', () => {
  it('continues as new with its counts and seen ids, and confirms the full quantity once', async () => {
    const { posted, activities } = fakeActivities({ rejectFirst: false });
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
    });
  });

  it('parks an ERP rejection as an exception a person resolves, then posts under the same key', async () => {
    const { posted, activities } = fakeActivities({ rejectFirst: true });
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
      if (process.env.MES_RECORD_HISTORIES) {
        const history = await h.fetchHistory();
        await writeFile(path.join(historiesDir, 'work-order-rejected-then-confirmed.json'), historyToJSON(history));
      }
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
