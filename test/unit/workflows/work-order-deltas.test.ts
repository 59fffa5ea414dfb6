import { describe, expect, it } from 'vitest';
import { closedOrderMark } from '../../../bridge/deliver.js';
import type { ProductionDeltas } from '../../../contracts/messages/outbox-delta.js';
import { completeOrderSignal, productionDeltasSignal, statusQuery } from '../../../workflows/definitions.js';
import { workOrderWorkflow } from '../../../workflows/work-order.js';
import { resultOf, UNIT_WAIT_MS } from '../../helpers/workflow-result.js';
import { client, fakeActivities, recordHistory, release, useTemporal, withWorker } from './work-order-harness.js';

// The outbox path on a real dev server: ranges applied once across continue-as-new, the carry a high-water mark.
useTemporal();

const range = (fromSeq: number, toSeq: number, good: number, events: number): ProductionDeltas => ({
  v: 1, source: 'outbox', fromSeq, toSeq, duplicatesDropped: 1,
  machines: [{ machine: 'robot-1', good, scrap: 0, events, lastSourceTime: '2026-01-05T07:00:00Z' }],
});

describe('workOrderWorkflow with outbox deltas', () => {
  it('applies each range once across continue-as-new, carrying its high-water mark, and confirms the counted quantity', async () => {
    const { posted, activities } = fakeActivities({ rejectFirst: false });
    const taskQueue = 'wf-deltas';
    await withWorker(activities, taskQueue, async () => {
      const h = await client().workflow.start(workOrderWorkflow, {
        taskQueue, workflowId: 'work-order:plant1:deltas-1', args: [{ release: release('2000101', '100000'), continueAsNewAfterEvents: 200 }],
      });
      const firstRunId = h.firstExecutionRunId;
      for (let seq = 1; seq <= 12; seq++) {
        await h.signal(productionDeltasSignal, range(seq, seq, 100, 50));
        await h.signal(productionDeltasSignal, range(seq, seq, 100, 50)); // a relay sending again after a crash
      }
      expect(await h.query(statusQuery)).toMatchObject({ phase: 'running', good: 1_200, eventsApplied: 600, duplicatesDropped: 12 });
      const first = await client().workflow.getHandle(h.workflowId, firstRunId).describe();
      expect(first.status.name).toBe('CONTINUED_AS_NEW');
      await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'test' });
      // The last run's result carries the mark the first run reached (the relay's closedOrderMark reads it).
      expect(await resultOf(h, 'its result', UNIT_WAIT_MS)).toMatchObject({ phase: 'confirmed', good: 1_200, appliedThrough: { outbox: 12 } });
      expect(await closedOrderMark(client(), h.workflowId, 'outbox')).toBe(12);
      expect(posted.map((p) => [p.yieldQty, p.isFinal])).toEqual([['1200', true]]);
      // The first run: its deltas, their repeats and the continue-as-new with a high-water mark in the carry.
      await recordHistory(client().workflow.getHandle(h.workflowId, firstRunId), 'work-order-outbox-deltas.json');
    });
  });
});
