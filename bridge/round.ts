import type { MachineEvent } from '../contracts/messages/machine-event.js';
import type { HoldRecord } from '../db/counter-holds.js';
import type { OutboxWrite } from '../db/event-outbox.js';
import type { MachineCountItem } from '../db/machine-counts.js';
import type { UnassignedItem } from '../db/unassigned-production.js';
import { firstSight, orderDelta, shiftDelta } from './deltas.js';
import { toCount, type Routing } from './route.js';

/** What one round writes inside its transaction, built once the new event ids are known. */
export interface RoundPlan {
  rows: OutboxWrite[];
  unassigned: UnassignedItem[];
  /** New counter holds, recorded for a person's decision; they count nothing. */
  holds: HoldRecord[];
  /** New counter events per machine and shift (machine-level data). */
  machineCounts: MachineCountItem[];
  /** New events per target type, and events dropped as already seen (both for metrics). */
  routed: { 'work-order': number; shift: number };
  duplicates: number;
}

/** Every event id a round must mark as seen: whatever reaches a workflow or unassigned production. */
export function roundEventIds(routing: Routing): string[] {
  const ids: string[] = [];
  for (const g of routing.shifts.values()) for (const e of g.events) ids.push(e.eventId);
  for (const g of routing.orders.values()) {
    for (const e of g.events) ids.push(e.eventId);
    for (const m of g.measurements ?? []) ids.push(m.id);
  }
  for (const u of routing.unassigned) ids.push(u.event.eventId);
  for (const h of routing.holds) ids.push(h.event.eventId);
  // A counting point's counter ids are in its shift's group already; commitRound takes each id once.
  for (const m of routing.machineCounts) ids.push(m.eventId);
  return ids;
}

/**
 * Pure: a routed round and the ids that were new -> one outbox delta per workflow, and the new unassigned production.
 * A workflow whose events were all seen before still gets a row when some were dropped, so its `duplicatesDropped`
 * means what it meant when the workflow dropped them itself.
 */
export function planRound(routing: Routing, fresh: Set<string>): RoundPlan {
  const plan: RoundPlan = { rows: [], unassigned: [], holds: [], machineCounts: [], routed: { 'work-order': 0, shift: 0 }, duplicates: 0 };
  for (const [workflowId, g] of routing.orders) {
    const delta = orderDelta(g.events, fresh, g.measurements);
    if (!delta) continue;
    plan.rows.push({ workflowId, target: { kind: 'work-order', site: g.site, line: g.line }, delta });
    plan.routed['work-order'] += delta.machines.reduce((n, m) => n + m.events, 0) + (delta.measurements?.length ?? 0);
    plan.duplicates += delta.duplicatesDropped;
  }
  for (const [workflowId, g] of routing.shifts) {
    const delta = shiftDelta(g.events, fresh, g.notCounting);
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
  // Each list its own first-sight: the same new id is in a shift's group and in the machine counts.
  const holdIsNew = firstSight(fresh);
  for (const h of routing.holds) {
    if (!holdIsNew(h.event.eventId)) continue;
    plan.holds.push({ hold: h.event, shift: h.shift, countingPoint: h.context?.countingPoint ?? true, order: h.context?.activeOrder ?? null });
  }
  const countIsNew = firstSight(fresh);
  for (const m of routing.machineCounts) if (countIsNew(m.eventId)) plan.machineCounts.push(m.item);
  return plan;
}
