import { condition, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createExceptionActivities } from '../activities/exception-notify.js';
import { exceptionAcknowledgedSignal, exceptionEscalateSignal, exceptionResolvedSignal } from './definitions.js';

const { exceptionRouting, notifyException } = proxyActivities<ReturnType<typeof createExceptionActivities>>({
  startToCloseTimeout: '1 minute',
  // A webhook or relay that is down is retried; the guard (exception_notifications) keeps a sent target from repeating.
  retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes' },
});

export interface ExceptionRoutingInput {
  recordId: number;
}

/**
 * Routes one exception record (issue 14 item 2): notifies level 0 of the first matching rule, then waits for an
 * acknowledgment up to the level's `escalateAfterSeconds` (a durable timer) and notifies the next level when none
 * came; an `escalate` signal moves on at once. Ends when the record is resolved. Sending is an activity guarded per
 * record, level and target, so a restart neither loses nor repeats a notification. A send that finds the record
 * resolved sends nothing and ends the routing (its resolver's signal may have been lost).
 */
export async function exceptionRoutingWorkflow(input: ExceptionRoutingInput): Promise<{ levelsNotified: number }> {
  // Checked in the first activation, before any await. A send that finds its record resolved (the resolver's signal was
  // lost after its commit) ends the routing; runs started before it wait for the signal, as they ran.
  const endsWhenSendFindsResolved = patched('exception-routing-ends-when-resolved');
  let acknowledged = false;
  let resolved = false;
  let escalate = false;
  setHandler(exceptionAcknowledgedSignal, () => void (acknowledged = true));
  setHandler(exceptionResolvedSignal, () => void (resolved = true));
  setHandler(exceptionEscalateSignal, () => void (escalate = true));

  const plan = await exceptionRouting(input.recordId);
  if (plan.state === 'resolved') resolved = true;
  if (plan.state === 'acknowledged') acknowledged = true;
  let notified = 0;
  for (let level = 0; level < plan.escalateAfterMs.length && !resolved; level++) {
    const sent = await notifyException({ recordId: input.recordId, level });
    if (endsWhenSendFindsResolved && sent.resolved === true) {
      resolved = true;
      break;
    }
    notified = level + 1;
    if (level + 1 >= plan.escalateAfterMs.length) break;
    escalate = false;
    const after = plan.escalateAfterMs[level];
    const wake = () => resolved || escalate || acknowledged;
    // No time set: the level waits for a person, never escalating by itself.
    const woke = typeof after === 'number' ? await condition(wake, after) : (await condition(wake), true);
    if (resolved) break;
    if (escalate || (!woke && !acknowledged)) continue;
    // Acknowledged: nobody else is told unless a person asks for it.
    await condition(() => resolved || escalate);
  }
  await condition(() => resolved);
  return { levelsNotified: notified };
}
