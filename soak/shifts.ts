import type { Client } from '@temporalio/client';
import type { ShiftSummary } from '../contracts/messages/shift.js';
import { shiftStatusQuery } from '../workflows/definitions.js';
import type { ShiftEnd } from './shift-invariants.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Where a shift stands: closed with its summary, running (`due`: its shift ended and it should close in time), or
 * what else Temporal says.
 */
async function readShift(client: Client, workflowId: string, due: (endsAtMs: number) => boolean): Promise<ShiftEnd & { waiting: boolean }> {
  const h = client.workflow.getHandle(workflowId);
  try {
    const d = await h.describe();
    if (d.status.name === 'COMPLETED') {
      const s = (await h.result()) as ShiftSummary;
      return { workflowId, status: 'closed', endsAt: s.shift.endsAt, downtime: s.downtime, waiting: false };
    }
    if (d.status.name !== 'RUNNING') return { workflowId, status: `workflow ${d.status.name}`, endsAt: null, waiting: false };
    const s = await h.query(shiftStatusQuery);
    const waiting = due(Date.parse(s.shift.endsAt));
    return { workflowId, status: waiting ? 'overdue' : 'open', endsAt: s.shift.endsAt, waiting };
  } catch (err) {
    // A worker that has just restarted may not answer a query yet: asked again until the deadline.
    return { workflowId, status: `unreadable: ${(err as Error).message}`, endsAt: null, waiting: true };
  }
}

/** What a shift is given after its late grace to post its downtime (the ERP's faults are cleared by then). */
const POSTING_ALLOWANCE_MS = 120_000;
/** The longest the drain waits for a grace to run out: a shift under the default hour is not waited for. */
const MAX_GRACE_WAIT_MS = 5 * 60_000;

/**
 * Whether the drain waits for a running shift that ends at `endsAtMs`: it had ended by `endedBy` (when the wait
 * began) and its late grace (`lateGraceMs`) runs out at most five minutes after that. All in ms.
 */
export const shiftDue = (endsAtMs: number, endedBy: number, lateGraceMs: number): boolean =>
  endsAtMs <= endedBy && endsAtMs + lateGraceMs <= endedBy + MAX_GRACE_WAIT_MS;

/**
 * The drain's last step: waits until every shift of `site` that had ended when it began has closed (its workflow
 * completed, its downtime posted), when its late grace (`lateGraceMs`, the bridge's) runs out within five minutes;
 * two minutes of posting on top. Shifts still running then are `overdue` when they should have closed, `open` when
 * their shift had not ended or their grace runs longer (the default hour). Returns every shift workflow of the site
 * Temporal lists, in id order.
 * @throws Temporal's error when the workflows cannot be listed.
 */
export async function closeShifts(client: Client, o: { site: string; lateGraceMs: number; log(msg: string): void }): Promise<ShiftEnd[]> {
  const endedBy = Date.now();
  const timeoutMs = Math.min(o.lateGraceMs, MAX_GRACE_WAIT_MS) + POSTING_ALLOWANCE_MS;
  const deadline = endedBy + timeoutMs;
  const due = (endsAtMs: number) => shiftDue(endsAtMs, endedBy, o.lateGraceMs);
  for (;;) {
    const ids = new Set<string>();
    for await (const wf of client.workflow.list({ query: `WorkflowType = 'shiftWorkflow'` }))
      if (wf.workflowId.startsWith(`shift:${o.site}:`)) ids.add(wf.workflowId);
    const shifts = await Promise.all([...ids].sort().map((id) => readShift(client, id, due)));
    const waiting = shifts.filter((s) => s.waiting);
    if (waiting.length === 0 || Date.now() >= deadline) {
      if (waiting.length > 0) o.log(`shifts not closed after ${timeoutMs / 1000} s: ${waiting.map((s) => `${s.workflowId} (${s.status})`).join(', ')}`);
      const closed = shifts.filter((s) => s.status === 'closed').length;
      o.log(`shifts: ${closed} closed, ${shifts.filter((s) => s.status === 'open').length} still running (not ended, or in their late grace)`);
      return shifts.map(({ waiting: _, ...s }) => s);
    }
    await sleep(2_000);
  }
}
