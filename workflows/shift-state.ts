import type { MachineEventBatch, MachineState } from '../contracts/messages/machine-event.js';
import type { MachineDeltas } from '../contracts/messages/outbox-delta.js';
import type { ShiftHandover, ShiftInput, ShiftSummary, ShiftTallies, StopReclassification } from '../contracts/messages/shift.js';
import { downtimeIntervals, type DowntimeInterval } from './downtime.js';
import { HighWater, type HighWaterCarry, type RangeVerdict } from './high-water.js';
import { SeenIds } from './seen-ids.js';
import type { AlarmChange } from '../oee/alarm-at.js';
import type { StopPostsCarry } from './shift-stop-posts.js';

/** State changes kept per machine; edge debounce keeps real lines far below this in one shift. */
const TRANSITIONS_LIMIT = 5_000;

/** What continue-as-new carries: the tallies, the state timelines and the dedupe state. */
export interface ShiftCarry extends ShiftTallies {
  transitions: Record<string, Array<[number, MachineState]>>;
  /** Ids of events that came one by one (`machineEvents`, the signal of older histories). */
  seenIds: string[];
  /** Outbox high-water marks per source; absent in carries of runs that never got a delta. */
  highWater?: HighWaterCarry;
  /** The previous shift's handover was taken / this shift handed over (absent in carries from before handovers). */
  handedIn?: boolean;
  handedOver?: boolean;
  /** Pieces per machine, kept by runs that compute OEE (absent in older carries). */
  machineCounts?: Record<string, MachinePieces>;
  /** Alarm changes of the machines (only events signalled one by one carry their codes), kept likewise. */
  alarms?: AlarmChange[];
  /** Operators' reasons for stops, in the order given. */
  reclassifications?: StopReclassification[];
  /** Stops posted when they closed (workflows/shift-stop-posts.ts); absent while none was. */
  stopPosts?: StopPostsCarry;
}

/** Good and scrap pieces of one machine in the shift. */
export interface MachinePieces {
  good: number;
  scrap: number;
}

/** Alarm changes kept per shift; an alarm storm beyond it drops the oldest (reasons then come from states). */
const ALARMS_LIMIT = 5_000;

/** One line's shift: counts and machine-state timelines placed by source time, so late events count where they belong. */
export class ShiftState {
  readonly tally: ShiftTallies;
  eventsThisRun = 0;
  handedIn: boolean;
  handedOver: boolean;
  private readonly transitions: Record<string, Array<[number, MachineState]>>;
  private readonly seen: SeenIds;
  private readonly highWater: HighWater;
  private readonly pieces: Record<string, MachinePieces> | undefined;
  private readonly alarms: AlarmChange[] | undefined;
  private readonly reasons: StopReclassification[];

  /** @param detail keep pieces per machine and alarm changes (runs that compute OEE); off, the carry keeps its old shape. */
  constructor(
    readonly shift: ShiftInput,
    carry?: ShiftCarry,
    detail = false,
  ) {
    this.tally = {
      good: carry?.good ?? 0,
      scrap: carry?.scrap ?? 0,
      total: carry?.total ?? 0,
      alarmsRaised: carry?.alarmsRaised ?? 0,
      eventsApplied: carry?.eventsApplied ?? 0,
      duplicatesDropped: carry?.duplicatesDropped ?? 0,
    };
    this.transitions = carry?.transitions ?? {};
    this.seen = new SeenIds(carry?.seenIds);
    this.highWater = new HighWater(carry?.highWater);
    this.handedIn = carry?.handedIn ?? false;
    this.handedOver = carry?.handedOver ?? false;
    this.pieces = detail ? (carry?.machineCounts ?? {}) : undefined;
    this.alarms = detail ? (carry?.alarms ?? []) : undefined;
    this.reasons = carry?.reclassifications ?? [];
  }

  /**
   * Takes the previous shift's states at the boundary once (a repeated signal changes nothing): each becomes a
   * transition at its `since`, before this shift's start, which `summary` and `downtime` clip to the start.
   */
  takeHandover(h: ShiftHandover): void {
    if (this.handedIn) return;
    this.handedIn = true;
    for (const s of h.states) this.transition(s.machine, Date.parse(s.since), s.state);
  }

  /** Each machine's state at `atMs` and since when (its last change at or before it); machines with none are left out. */
  statesAt(atMs: number): ShiftHandover['states'] {
    const out: ShiftHandover['states'] = [];
    for (const machine of Object.keys(this.transitions).sort()) {
      let last: [number, MachineState] | undefined;
      // Stable order as `summary` sorts: of two changes at one instant the later-applied one holds.
      for (const t of [...this.transitions[machine]!].sort((a, b) => a[0] - b[0])) if (t[0] <= atMs) last = t;
      if (last) out.push({ machine, state: last[1], since: new Date(last[0]).toISOString() });
    }
    return out;
  }

  /** Records an operator's reason for a stop; the latest for a stop wins. */
  reclassify(r: StopReclassification): void {
    this.reasons.push(r);
  }

  /** The operators' reasons, in the order given. */
  reclassifications(): ReadonlyArray<StopReclassification> {
    return this.reasons;
  }

  private count(machine: string, good: number, scrap: number): void {
    if (!this.pieces) return;
    const p = (this.pieces[machine] ??= { good: 0, scrap: 0 });
    p.good += good;
    p.scrap += scrap;
  }

  private alarm(a: AlarmChange): void {
    if (!this.alarms) return;
    this.alarms.push(a);
    if (this.alarms.length > ALARMS_LIMIT) this.alarms.shift();
  }

  /** The machines' state timelines ([source ms, state]), as applied. */
  timelines(): Readonly<Record<string, ReadonlyArray<readonly [number, MachineState]>>> {
    return this.transitions;
  }

  /** Pieces per machine and alarm changes; empty unless the state keeps detail. */
  detail(): { pieces: Readonly<Record<string, MachinePieces>>; alarms: ReadonlyArray<AlarmChange> } {
    return { pieces: this.pieces ?? {}, alarms: this.alarms ?? [] };
  }

  /**
   * Applies an outbox range once: counters summed per machine, state changes one by one (the bridge deduplicated).
   * Pieces of a machine marked `countingPoint: false` are its own (machine OEE) and stay out of the line's tally:
   * a machine in series with a counting point made the same pieces. Older ranges carry no mark: counted as before.
   */
  applyDeltas(d: MachineDeltas): RangeVerdict {
    const verdict = this.highWater.take(d.source, d.fromSeq, d.toSeq);
    if (verdict !== 'apply') return verdict;
    for (const m of d.machines) {
      if (m.countingPoint !== false) {
        this.tally.good += m.good;
        this.tally.scrap += m.scrap;
        this.tally.total += m.total;
      }
      this.count(m.machine, m.good, m.scrap);
      this.tally.eventsApplied += m.events;
      this.eventsThisRun += m.events;
    }
    this.tally.alarmsRaised += d.alarmsRaised;
    this.tally.duplicatesDropped += d.duplicatesDropped;
    for (const s of d.states) this.transition(s.machine, Date.parse(s.sourceTime), s.state);
    for (const a of d.alarms ?? []) this.alarm({ machine: a.machine, atMs: Date.parse(a.sourceTime), code: a.code, active: a.active });
    return verdict;
  }

  private transition(machine: string, atMs: number, state: MachineState): void {
    const list = (this.transitions[machine] ??= []);
    list.push([atMs, state]);
    if (list.length > TRANSITIONS_LIMIT) list.shift();
  }

  apply(batch: MachineEventBatch): void {
    for (const e of batch.events) {
      if (!this.seen.add(e.eventId)) {
        this.tally.duplicatesDropped += 1;
        continue;
      }
      this.tally.eventsApplied += 1;
      this.eventsThisRun += 1;
      if (e.kind === 'counter') {
        this.tally[e.counter] += e.delta;
        if (e.counter !== 'total') this.count(e.machine, e.counter === 'good' ? e.delta : 0, e.counter === 'scrap' ? e.delta : 0);
      } else if (e.kind === 'alarm') {
        if (e.active) this.tally.alarmsRaised += 1;
        this.alarm({ machine: e.machine, atMs: Date.parse(e.sourceTime), code: e.code, active: e.active });
      }
      else if (e.kind === 'state') this.transition(e.machine, Date.parse(e.sourceTime), e.state);
    }
  }

  summary(asOfMs: number): ShiftSummary {
    const start = Date.parse(this.shift.startsAt);
    const end = Math.min(asOfMs, Date.parse(this.shift.endsAt));
    const stateMs: Partial<Record<MachineState, number>> = {};
    for (const list of Object.values(this.transitions)) {
      const sorted = [...list].sort((a, b) => a[0] - b[0]);
      sorted.forEach(([t, state], i) => {
        const from = Math.max(t, start);
        const to = Math.min(sorted[i + 1]?.[0] ?? end, end);
        if (to > from) stateMs[state] = (stateMs[state] ?? 0) + (to - from);
      });
    }
    const observed = Object.values(stateMs).reduce((a, b) => a + b, 0);
    const pieces = this.tally.good + this.tally.scrap;
    return {
      shift: this.shift,
      ...this.tally,
      stateMs,
      availability: observed > 0 ? (stateMs.running ?? 0) / observed : null,
      quality: pieces > 0 ? this.tally.good / pieces : null,
      asOf: new Date(end).toISOString(),
    };
  }

  /** Every non-running stretch per machine, from the shift's start up to `asOfMs` (at most its end). */
  downtime(asOfMs: number): DowntimeInterval[] {
    return downtimeIntervals(this.transitions, Date.parse(this.shift.startsAt), Math.min(asOfMs, Date.parse(this.shift.endsAt)));
  }

  carry(): ShiftCarry {
    const highWater = this.highWater.carry();
    // Only once a delta came: the carries of older runs keep their exact shape.
    const handover = { ...(this.handedIn ? { handedIn: true } : {}), ...(this.handedOver ? { handedOver: true } : {}) };
    return {
      ...this.tally,
      transitions: this.transitions,
      seenIds: this.seen.toArray(),
      ...(highWater ? { highWater } : {}),
      ...(this.pieces ? { machineCounts: this.pieces, alarms: this.alarms ?? [], reclassifications: this.reasons } : {}),
      ...handover,
    };
  }
}
