import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { and, eq } from 'drizzle-orm';
import type { ExceptionAction } from '../../contracts/messages/exception.js';
import type { Db } from '../../db/client.js';
import { decideHold } from '../../db/counter-hold-decisions.js';
import type { ExceptionRecord } from '../../db/exception-records.js';
import { unassignedProduction } from '../../schema/index.js';
import { qualityDispositionUpdate, retryPostingSignal } from '../../workflows/definitions.js';
import { assignUnassigned } from '../unassigned-production.js';

/** What a person sends with a resolving action (the API's body). */
export interface ResolveRequest {
  action: Exclude<ExceptionAction, 'escalate'>;
  reason?: string;
  /** `assign`: the order that takes the production. */
  erpOrderId?: string;
  /** `accept` of a counter hold: a corrected quantity instead of the held delta. */
  quantity?: number;
  by: string;
}

export interface ActionDeps {
  db: Db;
  client: Client;
  /** Publishes a parked message again (`retry` of a parked validation failure); absent: that retry is refused. */
  republish?: (subject: string, payload: string) => Promise<void>;
}

/** An action the record cannot take, with why: the API answers 400 (`field` named) or 409. */
export class ActionRefused extends Error {
  override readonly name = 'ActionRefused';
  constructor(readonly status: 400 | 409 | 503, message: string) {
    super(message);
  }
}

const holdEventId = (r: ExceptionRecord): string | undefined => {
  const e = r.evidence as { hold?: { eventId?: string }; eventId?: string };
  return e.hold?.eventId ?? e.eventId;
};

/** The work order's quality hold a record is about (`quality-hold`, or `hold-overdue` of a quality hold), else undefined. */
const qualityHoldId = (r: ExceptionRecord): number | undefined => {
  if (r.kind !== 'quality-hold' && r.kind !== 'hold-overdue') return undefined;
  const id = (r.evidence as { hold?: { id?: unknown } }).hold?.id;
  return typeof id === 'number' ? id : undefined;
};

/**
 * Does what a resolving action means for the record's kind, where the engine can (docs/exceptions.md, table):
 * `retry` signals the parked order to post again (ERP rejections) or publishes a parked message again; `accept`
 * counts a counter hold or releases a quality hold; `skip` rejects a counter hold (other kinds: closed with the reason
 * only); `assign` gives the machine's open unassigned production to an order. Returns what it did, for the record.
 * @throws ActionRefused when the action does not fit the record or its fields are missing (400), or the order's
 * workflow is gone or refuses (409).
 */
export async function applyAction(d: ActionDeps, r: ExceptionRecord, q: ResolveRequest): Promise<Record<string, unknown>> {
  return apply(d, r, q).catch((err: unknown) => {
    // The order ended, or its workflow refused (a hold decided elsewhere meanwhile): the person's call, not a fault.
    if (err instanceof WorkflowNotFoundError) throw new ActionRefused(409, `${q.action === 'assign' ? 'body.erpOrderId: ' : ''}the order's workflow ${err.workflowId ?? ''} is not running (closed, or not started)`);
    if (err instanceof WorkflowUpdateFailedError) throw new ActionRefused(409, `the order refused: ${err.cause?.message ?? err.message}`);
    throw err;
  });
}

async function apply(d: ActionDeps, r: ExceptionRecord, q: ResolveRequest): Promise<Record<string, unknown>> {
  if (!(r.actions as string[]).includes(q.action)) throw new ActionRefused(400, `body.action: ${r.kind} offers ${(r.actions as string[]).join(', ')}, not ${q.action}`);
  if (q.action === 'skip' && !q.reason) throw new ActionRefused(400, 'body.reason: a skip needs a reason');
  const hold = ['counter-hold', 'hold-overdue'].includes(r.kind) ? holdEventId(r) : undefined;
  switch (q.action) {
    case 'retry': {
      if (r.kind === 'erp-rejection' || r.kind === 'compensation-refused') {
        await d.client.workflow.getHandle(r.workflowId!).signal(retryPostingSignal, { requestedBy: q.by });
        return { retried: r.workflowId };
      }
      const e = r.evidence as { subject?: string; payload?: string };
      if (!e.subject || !e.payload) throw new ActionRefused(409, `exception ${r.id} holds no message to publish again`);
      if (!d.republish) throw new ActionRefused(503, 'publishing a parked message again is not configured in this process');
      await d.republish(e.subject, e.payload);
      return { republished: e.subject };
    }
    case 'accept': {
      if (hold) return { hold: await decide(d.db, hold, { decision: 'accept', quantity: q.quantity, note: q.reason, by: q.by }) };
      const holdId = qualityHoldId(r);
      if (holdId !== undefined) {
        await d.client.workflow.getHandle(r.workflowId!).executeUpdate(qualityDispositionUpdate, { args: [{ holdId, decision: 'release', requestedBy: q.by }] });
        return { qualityHold: holdId, decision: 'release' };
      }
      return {};
    }
    case 'skip':
      if (hold) return { hold: await decide(d.db, hold, { decision: 'reject', reason: q.reason!, by: q.by }) };
      return {};
    case 'assign': {
      if (!q.erpOrderId) throw new ActionRefused(400, 'body.erpOrderId: assign names the order that takes the production');
      const machine = String((r.evidence as { machine?: string }).machine);
      const open = await d.db.select({ eventId: unassignedProduction.eventId }).from(unassignedProduction).where(and(
        eq(unassignedProduction.siteCode, r.siteCode), eq(unassignedProduction.lineCode, r.lineCode ?? ''),
        eq(unassignedProduction.machineCode, machine), eq(unassignedProduction.status, 'open'))).limit(5_000);
      if (open.length === 0) return { assigned: 0 };
      return assignUnassigned(d, { site: r.siteCode, erpOrderId: q.erpOrderId, eventIds: open.map((o) => o.eventId), assignedBy: q.by });
    }
  }
}

async function decide(db: Db, eventId: string, decision: Parameters<typeof decideHold>[2]) {
  const r = await decideHold(db, eventId, decision);
  if (r.outcome === 'not-found') throw new ActionRefused(409, `counter hold ${eventId} not found`);
  if (r.outcome === 'invalid') throw new ActionRefused(400, `body.${r.field === 'quantity' ? 'quantity' : r.field}: ${r.message}`);
  if (r.outcome === 'already-decided') throw new ActionRefused(409, `counter hold ${eventId} is already ${r.status}`);
  return { eventId, status: r.hold.status };
}
