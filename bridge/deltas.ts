import type { MachineEvent } from '../contracts/messages/machine-event.js';
import type { Measurement } from '../contracts/messages/inspection.js';
import type { OrderDelta, OrderMachineDelta, ShiftDelta, ShiftMachineDelta } from '../contracts/messages/outbox-delta.js';
import type { ProductionCount } from '../contracts/messages/production-count.js';

// Pure: a round's routed events -> one delta per workflow (bridge side), and a range's rows -> one summed signal
// (relay side). Events stay out of workflow histories; only these sums travel.

/**
 * Tells whether an event counts: its id was new to the seen-id table in this round's transaction, and it is the
 * first of that id in its group (the same event published twice can land twice in one round).
 */
export function firstSight(fresh: Set<string>): (eventId: string) => boolean {
  const used = new Set<string>();
  return (id) => {
    if (!fresh.has(id) || used.has(id)) return false;
    used.add(id);
    return true;
  };
}

const later = (a: string, b: string) => (Date.parse(b) > Date.parse(a) ? b : a);

/**
 * A work order's delta of one round; null when nothing in it is new and nothing was dropped (no row, no signal). New
 * measurements travel one by one, in source-time order; a repeated one is dropped like a repeated count.
 */
export function orderDelta(counts: ProductionCount[], fresh: Set<string>, measured: Measurement[] = []): OrderDelta | null {
  const isNew = firstSight(fresh);
  const machines = new Map<string, OrderMachineDelta>();
  let duplicatesDropped = 0;
  for (const c of counts) {
    if (!isNew(c.eventId)) {
      duplicatesDropped += 1;
      continue;
    }
    const m = machines.get(c.machine) ?? { machine: c.machine, good: 0, scrap: 0, events: 0, lastSourceTime: c.sourceTime };
    m.good += c.good;
    m.scrap += c.scrap;
    m.events += 1;
    m.lastSourceTime = later(m.lastSourceTime, c.sourceTime);
    machines.set(c.machine, m);
  }
  const measurements: Measurement[] = [];
  for (const m of measured) {
    if (isNew(m.id)) measurements.push(m);
    else duplicatesDropped += 1;
  }
  measurements.sort((a, b) => Date.parse(a.sourceTime) - Date.parse(b.sourceTime));
  if (machines.size === 0 && duplicatesDropped === 0 && measurements.length === 0) return null;
  return { machines: [...machines.values()], duplicatesDropped, ...(measurements.length > 0 ? { measurements } : {}) };
}

/**
 * A shift's delta of one round: counters summed per machine, state changes one by one, active alarms counted.
 * Machines in `notCounting` (not counting points) are marked `countingPoint: false`: their pieces are machine data.
 */
export function shiftDelta(events: MachineEvent[], fresh: Set<string>, notCounting: ReadonlySet<string> = new Set()): ShiftDelta | null {
  const isNew = firstSight(fresh);
  const machines = new Map<string, ShiftMachineDelta>();
  const d: ShiftDelta = { machines: [], states: [], alarmsRaised: 0, duplicatesDropped: 0 };
  for (const e of events) {
    if (!isNew(e.eventId)) {
      d.duplicatesDropped += 1;
      continue;
    }
    const flag = notCounting.has(e.machine) ? { countingPoint: false as const } : {};
    const m = machines.get(e.machine) ?? { machine: e.machine, good: 0, scrap: 0, total: 0, events: 0, ...flag };
    machines.set(e.machine, m);
    m.events += 1;
    if (e.kind === 'counter') m[e.counter] += e.delta;
    else if (e.kind === 'alarm') {
      if (e.active) d.alarmsRaised += 1;
      (d.alarms ??= []).push({ machine: e.machine, sourceTime: e.sourceTime, code: e.code, active: e.active });
    } else if (e.kind === 'state') d.states.push({ machine: e.machine, sourceTime: e.sourceTime, state: e.state });
  }
  d.machines = [...machines.values()];
  return d.machines.length === 0 && d.duplicatesDropped === 0 ? null : d;
}

/** Per-machine lines of several rows folded into one line per machine, in first-seen order; `add` sums one into another. */
function byMachine<T extends { machine: string }>(lists: T[][], add: (into: T, x: T) => void): T[] {
  const machines = new Map<string, T>();
  for (const list of lists) {
    for (const x of list) {
      const m = machines.get(x.machine);
      if (m) add(m, x);
      else machines.set(x.machine, { ...x });
    }
  }
  return [...machines.values()];
}

/** The rows of a range summed into one work-order delta (per machine). */
export function sumOrderDeltas(rows: OrderDelta[]): OrderDelta {
  const machines = byMachine<OrderMachineDelta>(rows.map((r) => r.machines), (m, x) => {
    m.good += x.good;
    m.scrap += x.scrap;
    m.events += x.events;
    m.lastSourceTime = later(m.lastSourceTime, x.lastSourceTime);
  });
  const measurements = rows.flatMap((r) => r.measurements ?? []);
  return { machines, duplicatesDropped: rows.reduce((n, r) => n + r.duplicatesDropped, 0), ...(measurements.length > 0 ? { measurements } : {}) };
}

/**
 * The rows of a range summed into one shift delta; state and alarm changes keep their order. A machine keeps the
 * `countingPoint` mark of its first row in the range (it changes only with the plant file, between shifts).
 */
export function sumShiftDeltas(rows: ShiftDelta[]): ShiftDelta {
  const machines = byMachine<ShiftMachineDelta>(rows.map((r) => r.machines), (m, x) => {
    m.good += x.good;
    m.scrap += x.scrap;
    m.total += x.total;
    m.events += x.events;
  });
  const alarms = rows.flatMap((r) => r.alarms ?? []);
  return {
    machines,
    states: rows.flatMap((r) => r.states),
    ...(alarms.length > 0 ? { alarms } : {}),
    alarmsRaised: rows.reduce((n, r) => n + r.alarmsRaised, 0),
    duplicatesDropped: rows.reduce((n, r) => n + r.duplicatesDropped, 0),
  };
}
