import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { productionCountsSignal, statusQuery } from '../workflows/definitions.js';
import type { workOrderWorkflow } from '../workflows/work-order.js';

/**
 * Demo stand-in for the edge gateway and signal bridge (issues 3 and 4): feeds a few counts to one work order every
 * interval until it confirms, so `npm start` shows an order running to its ERP confirmation. Event ids continue from
 * the order's applied count, so a restart of the demo neither repeats nor skips pieces.
 */
export function feedDemoCounts(opts: { client: Client; workflowId: string; machine: string; intervalMs: number; log: Logger }) {
  let stopped = false;
  const h = opts.client.workflow.getHandle<typeof workOrderWorkflow>(opts.workflowId);
  const done = (async () => {
    while (!stopped) {
      await new Promise((r) => setTimeout(r, opts.intervalMs));
      try {
        const s = await h.query(statusQuery);
        if (s.phase !== 'released' && s.phase !== 'running') return;
        const n = s.eventsApplied;
        await h.signal(productionCountsSignal, {
          v: 1,
          events: [{ eventId: `demo:${opts.machine}:${n}`, machine: opts.machine, sourceTime: new Date().toISOString(), good: 10, scrap: n % 5 === 4 ? 1 : 0 }],
        });
      } catch (err) {
        opts.log.debug({ err }, 'demo counts: workflow not reachable yet');
      }
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}
