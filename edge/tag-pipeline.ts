import { COUNTER_MAX, type EdgeTag } from '../contracts/messages/edge-config.js';
import type { MachineEvent, MachineState } from '../contracts/messages/machine-event.js';
import { AlarmEdge } from './filters/alarm.js';
import { counterDelta } from './filters/counter-delta.js';
import { Deadband } from './filters/deadband.js';
import { Debounce } from './filters/debounce.js';
import { qualityOf } from './filters/quality.js';

export interface MachineRef {
  site: string;
  line: string;
  machine: string;
}

/** One reading as the OPC UA layer hands it over, already stripped of node-opcua types. */
export interface Reading {
  value: unknown;
  statusCode: number;
  statusText: string;
  /** The PLC's SourceTimestamp (ms since epoch): the event's business time, never a timer's clock. */
  sourceTime: number;
  serverTime?: number;
  /**
   * When the gateway received it, on the gateway's monotonic clock (ms, `gatewayClock()`): debounce, minimum
   * intervals and counter windows measure time with this and with `tick(now)` on the same clock. Absent (unit tests
   * on one clock), the source time stands in.
   */
  receivedAt?: number;
}

export type Outcome =
  | { type: 'event'; event: MachineEvent }
  | { type: 'dropped'; reason: 'bad_status' | 'bad_value'; detail: string }
  | { type: 'filtered' }
  | undefined;

let isoMs = Number.NaN;
let isoText = '';
/** Values of one PLC scan or server sample share a source time: each distinct time is formatted once (a hot spot). */
const iso = (ms: number): string => {
  if (ms !== isoMs) {
    isoText = new Date(ms).toISOString();
    isoMs = ms;
  }
  return isoText;
};

/**
 * A counter tag's key in the journal's committed raw values: site and line are part of it, because two lines or
 * sites may each have a machine with the same code.
 */
export const counterKey = (ref: MachineRef, tag: string): string => `${ref.site}/${ref.line}/${ref.machine}/${tag}`;

/**
 * One tag's filters, turning readings into machine events. Counters keep their last committed raw value outside
 * (`committedRaw`, restored from the journal), so deltas survive a gateway restart without double counting.
 */
export class TagPipeline {
  /** `<machine>/<tag>`, for logs only; the journal keys counters by `counterKey` (with site and line). */
  readonly label: string;
  private readonly debounce?: Debounce<MachineState>;
  private readonly deadband?: Deadband;
  private readonly alarm?: AlarmEdge;
  /** `<machine>:<tag>:`, the start of every event id of this tag. */
  private readonly idPrefix: string;
  /** Counter: raw of the newest good reading, and pieces since the last emitted event. */
  private lastRaw: number | undefined;
  private pending = { delta: 0, raw: 0, at: 0, serverAt: undefined as number | undefined, windowStart: 0, quality: 'good' as 'good' | 'uncertain' };
  private stateQuality: 'good' | 'uncertain' = 'good';
  private analogQuality: 'good' | 'uncertain' = 'good';

  constructor(
    private readonly ref: MachineRef,
    readonly tag: EdgeTag,
    committedRaw?: number,
  ) {
    this.label = `${ref.machine}/${tag.name}`;
    this.idPrefix = `${ref.machine}:${tag.name}:`;
    this.lastRaw = committedRaw;
    if (tag.kind === 'state') this.debounce = new Debounce(tag.debounceMs);
    if (tag.kind === 'analog')
      this.deadband = new Deadband({ ...tag.deadband, minIntervalMs: tag.minIntervalMs, range: tag.range });
    if (tag.kind === 'alarm') this.alarm = new AlarmEdge();
  }

  private base(at: number, quality: 'good' | 'uncertain', serverAt?: number) {
    return {
      v: 1 as const,
      site: this.ref.site,
      line: this.ref.line,
      machine: this.ref.machine,
      tag: this.tag.name,
      sourceTime: iso(at),
      ...(serverAt !== undefined ? { serverTime: iso(serverAt) } : {}),
      quality,
    };
  }

  offer(r: Reading): Outcome {
    const quality = qualityOf(r.statusCode);
    // A bad value is never data: a counter keeps its last good raw, so the next good reading carries the pieces.
    if (quality === 'bad') return { type: 'dropped', reason: 'bad_status', detail: r.statusText };
    const t = this.tag;
    const now = r.receivedAt ?? r.sourceTime;
    switch (t.kind) {
      case 'counter': {
        const raw = r.value;
        if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0 || raw > COUNTER_MAX[t.dataType])
          return { type: 'dropped', reason: 'bad_value', detail: `counter value ${String(raw)} is not an integer 0..${COUNTER_MAX[t.dataType]}` };
        const { delta } = counterDelta(this.lastRaw, raw, COUNTER_MAX[t.dataType]);
        this.lastRaw = raw;
        if (this.pending.delta === 0) this.pending.windowStart = now;
        this.pending = { ...this.pending, delta: this.pending.delta + delta, raw, at: r.sourceTime, serverAt: r.serverTime };
        if (quality === 'uncertain') this.pending.quality = 'uncertain';
        // Counter events leave on the tick only, where the buffer's room is known (windowMs 0 = every tick).
        return { type: 'filtered' };
      }
      case 'state': {
        const state = t.map[String(r.value)] ?? 'unknown';
        this.stateQuality = quality;
        const change = this.debounce!.offer(state, now, r.sourceTime);
        return change ? this.stateEvent(change) : { type: 'filtered' };
      }
      case 'analog': {
        const v = typeof r.value === 'number' ? r.value : Number(r.value);
        if (!Number.isFinite(v)) return { type: 'dropped', reason: 'bad_value', detail: `analog value ${String(r.value)} is not a finite number` };
        this.analogQuality = quality;
        const s = this.deadband!.offer(v, now, r.sourceTime);
        return s ? this.analogEvent(s) : { type: 'filtered' };
      }
      case 'alarm': {
        const edge = this.alarm!.offer(Boolean(r.value));
        if (!edge) return { type: 'filtered' };
        return {
          type: 'event',
          event: {
            ...this.base(r.sourceTime, quality, r.serverTime),
            eventId: `${this.idPrefix}${r.sourceTime}:${edge}`,
            kind: 'alarm',
            code: t.code,
            active: edge === 'raise',
            ...(t.text ? { text: t.text } : {}),
          },
        };
      }
    }
  }

  /**
   * Timer-driven output: counter windows that ended, debounced states and analog values whose interval ended.
   * `now` is the gateway's clock, the one `Reading.receivedAt` is on.
   */
  tick(now: number, counterAllowed = true): Outcome {
    const t = this.tag;
    if (t.kind === 'counter' && counterAllowed && this.pending.delta > 0 && now - this.pending.windowStart >= t.windowMs)
      return this.flushCounter();
    if (t.kind === 'state') {
      const change = this.debounce!.tick(now);
      if (change) return this.stateEvent(change);
    }
    if (t.kind === 'analog') {
      const s = this.deadband!.tick(now);
      if (s) return this.analogEvent(s);
    }
    return undefined;
  }

  /** Whether `tick` may still produce an event (a counter window, a debounced state, a value waiting for its interval). */
  get hasPending(): boolean {
    switch (this.tag.kind) {
      case 'counter':
        return this.pending.delta > 0;
      case 'state':
        return this.debounce!.pending;
      case 'analog':
        return this.deadband!.pending;
      default:
        return false;
    }
  }

  /** Counter pieces not yet in an event; held (not dropped) while the buffer is full. */
  get pendingDelta(): number {
    return this.pending.delta;
  }

  /** A counter window's event now (also at stop, so an open window's pieces are committed with the journal). */
  flushCounter(): Outcome {
    const p = this.pending;
    if (p.delta === 0 || this.tag.kind !== 'counter') return { type: 'filtered' };
    this.pending = { delta: 0, raw: p.raw, at: p.at, serverAt: p.serverAt, windowStart: 0, quality: 'good' };
    return {
      type: 'event',
      event: {
        ...this.base(p.at, p.quality, p.serverAt),
        // Raw is in the id: two windows can never share one, even when a server restart repeats a timestamp.
        eventId: `${this.idPrefix}${p.at}:${p.raw}`,
        kind: 'counter',
        counter: this.tag.counter,
        delta: p.delta,
        raw: p.raw,
      },
    };
  }

  // States and analog values are one source sample each, so `<machine>:<tag>:<sourceTimeMs>` is unique and
  // repeatable. Built as one literal (no spreads): analog values are most of the gateway's events.
  private stateEvent(c: { value: MachineState; previous: MachineState | undefined; at: number }): Outcome {
    const r = this.ref;
    return {
      type: 'event',
      event: {
        v: 1, site: r.site, line: r.line, machine: r.machine, tag: this.tag.name, sourceTime: iso(c.at), quality: this.stateQuality,
        eventId: `${this.idPrefix}${c.at}`, kind: 'state', state: c.value, previous: c.previous ?? null,
      },
    };
  }

  private analogEvent(s: { value: number; at: number }): Outcome {
    const r = this.ref;
    return {
      type: 'event',
      event: {
        v: 1, site: r.site, line: r.line, machine: r.machine, tag: this.tag.name, sourceTime: iso(s.at), quality: this.analogQuality,
        eventId: `${this.idPrefix}${s.at}`, kind: 'analog', value: s.value, unit: this.tag.kind === 'analog' ? this.tag.unit : '',
      },
    };
  }
}
