import { DefaultLogger, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { createExceptionActivities } from '../../../activities/exception-notify.js';
import { bundleMesWorkflows } from '../../../workers/wiring/temporal-worker.js';
import { exceptionAcknowledgedSignal, exceptionEscalateSignal, exceptionResolvedSignal } from '../../../workflows/definitions.js';
import type { exceptionRoutingWorkflow } from '../../../workflows/exception-routing.js';
import { startTimeSkipping } from '../../helpers/time-skipping.js';

// The routing workflow on Temporal's time-skipping server: escalation by durable timer, stopped by an acknowledgment.

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundle;
beforeAll(async () => {
  [env, bundle] = await Promise.all([startTimeSkipping(), bundleMesWorkflows(new DefaultLogger('ERROR'))]);
}, 180_000);
afterAll(async () => env?.teardown());

type Acts = ReturnType<typeof createExceptionActivities>;

/** Runs one routing with levels escalating after `afterMs`; returns the levels notified, in order. */
async function route(
  afterMs: Array<number | null>,
  drive: (h: Awaited<ReturnType<typeof env.client.workflow.start<typeof exceptionRoutingWorkflow>>>) => Promise<void>,
  resolvedFrom = Infinity,
) {
  const notified: number[] = [];
  const activities: Acts = {
    exceptionRouting: async () => ({ state: 'open', escalateAfterMs: afterMs }),
    // From level `resolvedFrom` on, the record is resolved in the database: the send finds it so.
    notifyException: async ({ level }) => {
      if (level >= resolvedFrom) return { sent: 0, resolved: true };
      notified.push(level);
      return { sent: 1 };
    },
  };
  const taskQueue = `routing-${Math.random()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities });
  const result = await worker.runUntil(async () => {
    const h = await env.client.workflow.start<typeof exceptionRoutingWorkflow>('exceptionRoutingWorkflow', { taskQueue, workflowId: taskQueue, args: [{ recordId: 1 }] });
    await drive(h);
    return h.result();
  });
  return { notified, result };
}

describe('exception routing workflow', () => {
  it('escalates level by level while nobody acknowledges, then waits for the resolution', async () => {
    const { notified, result } = await route([3_600_000, 7_200_000, null], async (h) => {
      await env.sleep(3 * 3_600_000 + 1_000);
      await h.signal(exceptionResolvedSignal, { by: 'p' });
    });
    expect(notified).toEqual([0, 1, 2]);
    expect(result).toEqual({ levelsNotified: 3 });
  }, 60_000);

  it('stops escalating when acknowledged; an escalate signal moves on anyway', async () => {
    const { notified } = await route([3_600_000, 3_600_000, null], async (h) => {
      await h.signal(exceptionAcknowledgedSignal, { by: 'p' });
      await env.sleep(5 * 3_600_000);
      await h.signal(exceptionEscalateSignal, { by: 'p' });
      await env.sleep(1_000);
      await h.signal(exceptionResolvedSignal, { by: 'p' });
    });
    expect(notified).toEqual([0, 1]);
  }, 60_000);

  it('ends when a send finds the record resolved, though the resolved signal never came', async () => {
    const { notified, result } = await route([3_600_000, 3_600_000, null], async () => {
      await env.sleep(3_600_000 + 1_000);
    }, 1);
    expect(notified).toEqual([0]);
    expect(result).toEqual({ levelsNotified: 1 });
  }, 60_000);
});
