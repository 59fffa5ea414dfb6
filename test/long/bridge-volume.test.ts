import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workOrderWorkflowId } from '../../contracts/ids.js';
import { TASK_QUEUE } from '../../contracts/names.js';
import type { OrderReleased } from '../../contracts/messages/order-release.js';
import { workOrderWorkflow } from '../../workflows/work-order.js';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { goodCounts, publishEvents } from '../helpers/machine-events.js';
import { testRelease } from '../helpers/release.js';
import { resultOf } from '../helpers/workflow-result.js';

/** `npm run test:long`: volumes that take minutes on a busy 2-core machine, kept out of `npm test`. */
let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine();
});
afterAll(async () => {
  await engine?.stop();
});
// Shifts close an hour after they end, so the test's production happens now (in whatever shift that is).
const T0 = Date.now() - 120_000;

describe('signal bridge at volume', () => {
  it('carries a work order through 200,000 events, continuing as new, with exact counts', async () => {
    // Events no longer grow the history (the bridge signals summed outbox deltas, a few history events per signal), so
    // Temporal would not suggest continue-as-new within 200,000 events: the test-only threshold makes the order
    // continue as new at 60,000 events applied, so the chain still has to carry its counts and high-water mark.
    const h = await engine.services.client.workflow.start(workOrderWorkflow, {
      taskQueue: TASK_QUEUE,
      workflowId: workOrderWorkflowId('plant1', '3000003'),
      args: [{ release: testRelease('3000003', 'line-2', '200000') as OrderReleased, continueAsNewAfterEvents: 60_000 }],
    });
    await eventually(async () => {
      const rows = await engine.services.db.query.workOrders.findMany({ where: (w, { eq }) => eq(w.workflowId, h.workflowId) });
      return rows.length > 0 ? true : undefined;
    }, 'read model row of order 3000003');
    const firstRun = (await h.describe()).runId;
    const events = goodCounts({ line: 'line-2', machine: 'robot-1', n: 200_000, startMs: T0 + 5_000, stepMs: 1, prefix: 'bulk' });
    const t0 = performance.now();
    await publishEvents(engine.services.nc, events, 500, 4);
    const done = await resultOf(h, 'the 200,000-event order to confirm', 540_000);
    const seconds = (performance.now() - t0) / 1000;
    expect(done).toMatchObject({ phase: 'confirmed', good: 200_000, eventsApplied: 200_000 });
    const first = await engine.services.client.workflow.getHandle(h.workflowId, firstRun).describe();
    expect(first.status.name).toBe('CONTINUED_AS_NEW');
    // Every run of the chain stays inside Temporal's limits (51,200 events); the last one is the smallest.
    expect((await h.describe()).historyLength).toBeLessThan(51_200);
    expect((await engine.services.client.workflow.getHandle(h.workflowId, firstRun).describe()).historyLength).toBeLessThan(51_200);
    process.stderr.write(`200,000 events to a confirmed order in ${seconds.toFixed(1)} s\n`);
  });
});
