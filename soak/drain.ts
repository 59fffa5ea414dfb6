import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Client } from '@temporalio/client';
import type pg from 'pg';
import { workOrderWorkflowId } from '../contracts/ids.js';
import { MES_EVENTS_STREAM, SIGNAL_BRIDGE_DURABLE, ERP_EVENTS_STREAM, ERP_LISTENER_DURABLE } from '../contracts/streams.js';
import type { OrderReleased } from '../contracts/messages/order-release.js';
import type { WorkOrderStatus } from '../contracts/messages/work-order-status.js';
import { completeOrderSignal, qualityDispositionUpdate, retryPostingSignal, statusQuery } from '../workflows/definitions.js';
import { SITE } from './plant.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it answers true `stableFor` times in a row (errors count as not yet), or the deadline passes. */
export async function until(what: string, probe: () => Promise<boolean>, o: { timeoutMs: number; everyMs?: number; stableFor?: number; log(msg: string): void }): Promise<boolean> {
  const deadline = Date.now() + o.timeoutMs;
  let streak = 0;
  let lastErr = '';
  while (Date.now() < deadline) {
    const ok = await probe().catch((err: Error) => {
      lastErr = err.message;
      return false;
    });
    streak = ok ? streak + 1 : 0;
    if (streak >= (o.stableFor ?? 1)) return true;
    await sleep(o.everyMs ?? 1_000);
  }
  o.log(`gave up waiting for ${what} after ${o.timeoutMs / 1000} s${lastErr ? ` (last error: ${lastErr})` : ''}`);
  return false;
}

/** Both durables have nothing pending or unacknowledged, and the bridge's outbox is empty: every event is in a workflow. */
export async function pipelineIdle(nc: NatsConnection, pool: pg.Pool): Promise<boolean> {
  const jsm = await jetstreamManager(nc, { timeout: 3_000 });
  for (const [stream, durable] of [[MES_EVENTS_STREAM, SIGNAL_BRIDGE_DURABLE], [ERP_EVENTS_STREAM, ERP_LISTENER_DURABLE]] as const) {
    const ci = await jsm.consumers.info(stream, durable);
    if (ci.num_pending > 0 || ci.num_ack_pending > 0) return false;
  }
  const outbox = await pool.query<{ n: string }>('select count(*)::text as n from outbox');
  return outbox.rows[0]!.n === '0';
}

/**
 * Ends every order the soak released: open quality holds released as good, then `completeOrder` (the operator's
 * "done"), and waits until each workflow has closed. An order parked on an over-delivery refusal (counts that piled up
 * while Temporal or the worker was away reach it at once, past its tolerance) is answered as a planner does: the ERP
 * re-releases it with the counted quantity and the planner asks for the retry. Returns each order's end phase (or
 * why it has none) and the orders a planner had to fix.
 */
export async function closeOrders(
  client: Client,
  releases: OrderReleased[],
  o: { timeoutMs: number; log(msg: string): void; rerelease(r: OrderReleased): Promise<void> },
): Promise<{ phases: Record<string, string>; plannerFixes: string[] }> {
  const phases: Record<string, string> = {};
  const deadline = Date.now() + o.timeoutMs;
  const pending = new Set(releases.map((r) => r.erpOrderId));
  const signalled = new Set<string>();
  const fixes = new Map<string, { raisedTo: number; retried: boolean }>();
  while (pending.size > 0 && Date.now() < deadline) {
    for (const id of [...pending]) {
      const h = client.workflow.getHandle(workOrderWorkflowId(SITE, id));
      try {
        const d = await h.describe();
        if (d.status.name === 'COMPLETED') {
          phases[id] = ((await h.result()) as WorkOrderStatus).phase;
          pending.delete(id);
          continue;
        }
        if (d.status.name !== 'RUNNING') {
          phases[id] = `workflow ${d.status.name}`;
          pending.delete(id);
          continue;
        }
        const st = (await h.query(statusQuery)) as WorkOrderStatus;
        phases[id] = st.phase;
        // A planner's answer to an over-delivery refusal: the ERP raises the order quantity; once the order has
        // taken the change (the listener applies it), the planner asks for the retry.
        if (st.phase === 'exception' && /would exceed order quantity/.test(st.exception ?? '')) {
          const fix = fixes.get(id);
          if (!fix || fix.raisedTo < st.good) {
            const r = releases.find((x) => x.erpOrderId === id)!;
            await o.rerelease({ ...r, quantity: String(st.good) });
            fixes.set(id, { raisedTo: st.good, retried: false });
            o.log(`planner: order ${id} refused (${st.exception}); ERP re-releases it with quantity ${st.good}`);
          } else if (!fix.retried && Number(st.plannedQuantity) >= fix.raisedTo) {
            await h.signal(retryPostingSignal, { requestedBy: 'soak-planner' });
            fix.retried = true;
            o.log(`planner: order ${id} retried at quantity ${st.plannedQuantity}`);
          }
          continue;
        }
        for (const hold of st.qualityHolds.filter((x) => x.disposition === null))
          await h.executeUpdate(qualityDispositionUpdate, { args: [{ holdId: hold.id, decision: 'release', requestedBy: 'soak' }] });
        if (!signalled.has(id)) {
          await h.signal(completeOrderSignal, { reason: 'operator', requestedBy: 'soak' });
          signalled.add(id);
        }
      } catch (err) {
        phases[id] = `unreadable: ${(err as Error).message}`;
      }
    }
    if (pending.size > 0) await sleep(1_000);
  }
  if (pending.size > 0) o.log(`orders still open after ${o.timeoutMs / 1000} s: ${[...pending].map((id) => `${id} (${phases[id]})`).join(', ')}`);
  return { phases, plannerFixes: [...fixes.keys()] };
}
