import { shiftWorkflowId } from '../contracts/ids.js';
import type { Measurement } from '../contracts/messages/inspection.js';
import type { CounterHoldEvent, MachineEvent } from '../contracts/messages/machine-event.js';
import type { ProductionCount } from '../contracts/messages/production-count.js';
import type { ShiftInput } from '../contracts/messages/shift.js';
import type { ShiftCalendar } from '../contracts/messages/shift-calendar.js';
import { plantDate } from '../contracts/plant-date.js';
import { OFF_SHIFT } from '../contracts/shift-time.js';
import type { MachineCountItem } from '../db/machine-counts.js';
import { shiftSlot } from '../shifts/calendar-of.js';
import { shiftOf } from '../shifts/shift-of.js';
import { measures, type MeasuredTag } from './measured-tags.js';

/** What the bridge knows about a machine at the moment it routes an event. */
export interface MachineContext {
  site: string;
  line: string;
  /** The shift calendar of the machine's line (its own, its site's, or the default), in the site's time zone. */
  calendar: ShiftCalendar;
  /** Whether the machine's counts are its line's output (plant file `countingPoints`); else machine-level data only. */
  countingPoint: boolean;
  /** The machine's analog tags that measure an inspection characteristic of its line (master data; measured-tags.ts). */
  measuredTags: readonly MeasuredTag[];
  /** The line's active order, with the material and operation its characteristics are matched by. */
  activeOrder: { workflowId: string; erpOrderId: string; material: string; operation: string } | null;
}

export interface Routed<T> {
  events: T[];
  /** Indexes of the messages these events came from: a message is acked only when all its groups were delivered. */
  messages: Set<number>;
}

export type UnassignedReason = 'unknown-machine' | 'no-active-order';

/**
 * Why an event reaches no workflow (acked, counted in `mes_bridge_events_ignored_total{reason}`): its machine is not
 * in the plant model (states, alarms, analog values; counts are unassigned instead); an analog value of a line without
 * an active order; an analog value of a tag no inspection characteristic of the active order's material and operation
 * measures (`not-measured`); an `uncertain` analog value; a state or alarm outside every shift (`off-shift`).
 */
export type IgnoredReason = 'unknown-machine' | 'no-active-order' | 'not-measured' | 'uncertain' | 'off-shift';

/**
 * Why an event cannot be routed at all: its line is not the line its machine belongs to. A machine code is unique in
 * its site (the plant file refuses a second one), so the machine decides the line and its order; an event that says
 * otherwise comes from a misconfigured edge or a plant file the edge and the engine do not share, and routing it by
 * the machine would give its pieces to another line's order. Null when the event may be routed.
 */
export function lineMismatch(event: Pick<MachineEvent, 'site' | 'line' | 'machine'>, ctx: MachineContext | null): string | null {
  if (!ctx || ctx.line === event.line) return null;
  return `machine ${event.machine} of site ${event.site} belongs to line ${ctx.line} in the plant model, not to line ${event.line} the event names: ` +
    'not routed, so its pieces cannot reach another line\'s order (check the edge\'s plant file)';
}

type ShiftGroup = Routed<MachineEvent> & { input: ShiftInput; notCounting: Set<string> };

export interface Routing {
  /** Per active order, with its site and line (where its pieces go, should the order be gone when they arrive). */
  orders: Map<string, Routed<ProductionCount> & { site: string; line: string; measurements?: Measurement[] }>;
  /** Per shift; `notCounting`: its machines that are not counting points (their pieces are machine-level OEE only). */
  shifts: Map<string, ShiftGroup>;
  unassigned: Array<{ event: MachineEvent; reason: UnassignedReason; message: number }>;
  /** Counter holds with what the bridge knows of their machine (null: not in the plant model). Never counted here. */
  holds: Array<{ event: CounterHoldEvent; context: MachineContext | null; shift: ShiftInput | null; message: number }>;
  /** Every counter event of a known machine, counting point or not, for the per-machine counts (machine_counts). */
  machineCounts: Array<{ eventId: string; item: MachineCountItem }>;
  /** Events no workflow consumes, per reason (only reasons that occurred); acked and counted, never silently. */
  ignored: Partial<Record<IgnoredReason, number>>;
  /** Events whose line is not their machine's (lineMismatch): routed nowhere; the bridge parks their messages. */
  misrouted: Array<{ event: MachineEvent; reason: string; message: number }>;
}

export const toCount = (e: Extract<MachineEvent, { kind: 'counter' }>): ProductionCount => ({
  eventId: e.eventId,
  machine: e.machine,
  sourceTime: e.sourceTime,
  good: e.counter === 'good' ? e.delta : 0,
  scrap: e.counter === 'scrap' ? e.delta : 0,
});

/** An analog value as a measurement for the order's inspection characteristics. */
export const toMeasurement = (e: Extract<MachineEvent, { kind: 'analog' }>): Measurement => ({
  id: e.eventId, source: 'tag', machine: e.machine, tag: e.tag, value: e.value, unit: e.unit, sourceTime: e.sourceTime,
});

const ignore = (r: Routing, reason: IgnoredReason) => void (r.ignored[reason] = (r.ignored[reason] ?? 0) + 1);

/** The order's group of the round, with this message among those it came from. */
function group(r: Routing, workflowId: string, ctx: MachineContext, message: number) {
  let g = r.orders.get(workflowId);
  if (!g) r.orders.set(workflowId, (g = { events: [], messages: new Set(), site: ctx.site, line: ctx.line }));
  g.messages.add(message);
  return g;
}

function add<T, G extends Routed<T>>(map: Map<string, G>, key: string, event: T, message: number, init?: () => Omit<G, 'events' | 'messages'>): G {
  let g = map.get(key);
  if (!g) {
    g = { events: [], messages: new Set(), ...init?.() } as unknown as G;
    map.set(key, g);
  }
  g.events.push(event);
  g.messages.add(message);
  return g;
}

/**
 * Pure routing: good and scrap counts of a counting point go to the line's active work order; its counts, and every
 * machine's states and alarms, go to the shift they happened in (by source time, so late events land in their own
 * shift). Production that no order can take is returned as unassigned, never dropped. `total` counters feed the
 * shift only (good + scrap already count pieces). Counts of a machine that is not a counting point (one in series
 * with it counts the same pieces) reach neither order nor unassigned production: they go to the shift marked as
 * that machine's (`notCounting`), for its own OEE, never the line's produced count; like every machine's counts,
 * they are kept per machine and shift too (`machineCounts`). Holds are only recorded, with the order in context.
 * An event naming another line than its machine's goes nowhere but `misrouted`. Outside every shift of the line's
 * calendar (weekends, holidays) counts still reach the order and the machine's counts (under `OFF_SHIFT`); states
 * and alarms are ignored, as no shift workflow runs then. A good analog value goes to the line's active order as a
 * measurement when its machine's tag measures a characteristic of the order's material and operation
 * (`MachineContext.measuredTags`); every other one is ignored with its reason (`IgnoredReason`).
 */
export function routeEvents(
  items: Array<{ event: MachineEvent; message: number }>,
  contextOf: (site: string, machine: string) => MachineContext | null,
): Routing {
  const r: Routing = { orders: new Map(), shifts: new Map(), unassigned: [], holds: [], machineCounts: [], ignored: {}, misrouted: [] };
  for (const { event, message } of items) {
    const ctx = contextOf(event.site, event.machine);
    const mismatch = lineMismatch(event, ctx);
    if (mismatch) {
      r.misrouted.push({ event, reason: mismatch, message });
      continue;
    }
    if (event.kind === 'analog') {
      // Any machine of the line measures for its order (an oven need not be a counting point), but only the tags its
      // characteristics name: the workflow would drop the others after paying for them in its history. Uncertain
      // values decide nothing.
      const order = ctx?.activeOrder;
      if (!ctx || !order) ignore(r, ctx ? 'no-active-order' : 'unknown-machine');
      else if (!measures(ctx.measuredTags, event.tag, order)) ignore(r, 'not-measured');
      else if (event.quality !== 'good') ignore(r, 'uncertain');
      else (group(r, order.workflowId, ctx, message).measurements ??= []).push(toMeasurement(event));
      continue;
    }
    if (event.kind === 'hold') {
      const shift = ctx && shiftOf(event.sourceTime, ctx.calendar);
      r.holds.push({ event, context: ctx, shift: ctx && shift && { site: ctx.site, line: ctx.line, ...shiftSlot(shift) }, message });
      continue;
    }
    if (!ctx) {
      if (event.kind === 'counter') r.unassigned.push({ event, reason: 'unknown-machine', message });
      else ignore(r, 'unknown-machine');
      continue;
    }
    const shift = shiftOf(event.sourceTime, ctx.calendar);
    if (event.kind === 'counter') {
      const shiftDate = shift?.date ?? plantDate(Date.parse(event.sourceTime), ctx.calendar.timeZone);
      r.machineCounts.push({
        eventId: event.eventId,
        item: { site: ctx.site, line: ctx.line, machine: event.machine, shiftDate, shiftCode: shift?.shiftCode ?? OFF_SHIFT, counter: event.counter, delta: event.delta, events: 1 },
      });
    }
    if (shift) {
      const slot = shiftSlot(shift);
      const shiftGroup = add<MachineEvent, ShiftGroup>(r.shifts, shiftWorkflowId(ctx.site, ctx.line, slot.date, slot.shiftCode), event, message, () => ({
        input: { site: ctx.site, line: ctx.line, ...slot },
        notCounting: new Set<string>(),
      }));
      if (!ctx.countingPoint) shiftGroup.notCounting.add(event.machine);
    } else if (event.kind !== 'counter') {
      // No shift runs (weekend, holiday, a gap in the pattern): states and alarms have no workflow to go to.
      ignore(r, 'off-shift');
      continue;
    }
    // Orders take a counting point's pieces only: a machine in series with it made the same pieces.
    if (event.kind !== 'counter' || event.counter === 'total' || !ctx.countingPoint) continue;
    if (!ctx.activeOrder) r.unassigned.push({ event, reason: 'no-active-order', message });
    else group(r, ctx.activeOrder.workflowId, ctx, message).events.push(toCount(event));
  }
  return r;
}
