import type { MachineEvent } from '../contracts/messages/machine-event.js';
import type { OutboxWrite } from '../db/event-outbox.js';
import type { UnassignedItem } from '../db/unassigned-production.js';
import { firstSight, orderDelta, shiftDelta } from './deltas.js';
import { toCount, type Routing } from './route.js';

/** What one round writes inside its transaction, built once the new event ids are known. */
export interface RoundPlan {
  rows: OutboxWrite[];
  unassigned: UnassignedItem[];
  /** New events per target type, and events dropped as already seen (both for metrics). */
  routed: { 'work-order': number; shift: number };
  duplicates: number;
}

/** Every event id a round must mark as seen: whatever reaches a workflow or unassigned production. */
export function roundEventIds(routing: Routing): string[] {
  const ids: string[] = [];
  for (const g of routing.shifts.values()) for (const e of g.events) ids.push(e.eventId);
  for (const g of routing.orders.values()) for (const e of g.events) ids.push(e.eventId);
  for (const u of routing.unassigned) ids.push(u.event.eventId);
  return ids;
}

/**
 * Pure: a routed round and the ids that were new -> one outbox delta per workflow, and the new unassigned production.
 * A workflow whose events were all seen before still gets a row when some were dropped, so its `duplicatesDropped`
 * means what it meant when the workflow dropped them itself.
 */
export function planRound(routing: Routing, fresh: Set<string>): RoundPlan {
  const plan: RoundPlan = { rows: [], unassigned: [], routed: { 'work-order': 0, shift: 0 }, duplicates: 0 };
  for (const [workflowId, g] of routing.orders) {
    const delta = orderDelta(g.events, fresh);
    if (!delta) continue;
    plan.rows.push({ workflowId, target: { kind: 'work-order', site: g.site, line: g.line }, delta });
    plan.routed['work-order'] += delta.machines.reduce((n, m) => n + m.events, 0);
    plan.duplicates += delta.duplicatesDropped;
  }
  for (const [workflowId, g] of routing.shifts) {
    const delta = shiftDelta(g.events, fresh);
    if (!delta) continue;
    plan.rows.push({ workflowId, target: { kind: 'shift', shift: g.input }, delta });
    plan.routed.shift += delta.machines.reduce((n, m) => n + m.events, 0);
  }
  const isNew = firstSight(fresh);
  for (const u of routing.unassigned) {
    if (!isNew(u.event.eventId)) continue;
    const e = u.event as Extract<MachineEvent, { kind: 'counter' }>;
    plan.unassigned.push({ site: e.site, line: e.line, count: toCount(e), reason: u.reason });
  }
  return plan;
}
