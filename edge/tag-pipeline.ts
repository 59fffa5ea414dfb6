import { counterSemantics, type CounterSemantics, type EdgeTag } from '../contracts/messages/edge-config.js';
import type { CounterHoldReason, MachineEvent, MachineState } from '../contracts/messages/machine-event.js';
import { AlarmEdge } from './filters/alarm.js';
import { CounterTracker, parseCounterRaw, type CounterStep, type CounterVerdict } from './filters/counter-delta.js';
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

/**
 * `readAt` (counter and hold events): when the raw they commit was read, on the gateway clock; the journal stores it
 * as wall-clock time, so after a restart the time since that reading (not since the later write) bounds the count.
 */
export type Outcome =
  | { type: 'event'; event: MachineEvent; readAt?: number }
  /** Several events in this order (a counter window closed early, then the hold that followed it). */
  | { type: 'events'; events: MachineEvent[]; readAt?: number }
  /** A counter's new raw meant 0 pieces (a reset to its reset value): the journal commits it without an event. */
  | { type: 'commit'; key: string; raw: number; readAt: number }
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

/** What a counter did, for the gateway's metrics: a drop held as suspect, how one was decided, a hold. */
export type CounterNote = { type: 'suspect' } | { type: 'decided'; step: CounterStep | 'hold' } | { type: 'hold'; reason: CounterHoldReason };

/**
 * One subscription's liveness, shared by the pipelines of its tags (thousands of tags: nothing per tag per tick).
 * The endpoint writes it when a gap starts; a counter pipeline reads it when a reading arrives, to know until when
 * the previous value is evidenced (`CounterSample.from`).
 */
export interface Liveness {
  /**
   * Gateway-clock time (ms) the latest gap began: the last data or keep-alive before a dead subscription, a lost
   * connection or session. -Infinity before any gap. A gap starting after a tag's last reading ends its evidence.
   */
  gapStart: number;
  /**
   * How long (ms) a change may take to reach the gateway while the subscription is live: the revised sampling
   * interval plus the publishing interval. A reading's previous value is evidenced until this long before it.
   */
  intervalMs: number;
  /** A gap began and no reading came since: a later gap report does not move `gapStart` forward. */
  gapOpen?: boolean;
}

/** Records a gap in `l` that began at `at`, unless one is already open (its earlier start stands). */
export function gapBegan(l: Liveness, at: number): void {
  if (l.gapOpen) return;
  l.gapOpen = true;
  l.gapStart = at;
}

export interface PipelineOptions {
  /**
   * A counter's last committed raw (restored from the journal) and when: `at` on the gateway clock, `wallMs` on the
   * wall clock. Deltas then survive a gateway restart without double counting, and pieces made while the gateway
   * was down count when they fit the time.
   */
  committed?: { raw: number; at: number; wallMs: number };
  /** The machine's ideal cycle time (s per piece); required for a counter tag (plausibility). */
  idealCycleTimeS?: number;
  onCounter?: (n: CounterNote) => void;
  /**
   * The tag's subscription liveness (counters). Absent, a counter has no evidence beyond its readings: elapsed time
   * runs from the previous reading (unit tests of other rules; the gateway always passes one).
   */
  liveness?: Liveness;
}

/** One tag's filters, turning readings into machine events. */
export class TagPipeline {
  /** `<machine>/<tag>`, for logs only; the journal keys counters by `counterKey` (with site and line). */
  readonly label: string;
  private readonly debounce?: Debounce<MachineState>;
  private readonly deadband?: Deadband;
  private readonly alarm?: AlarmEdge;
  /** `<machine>:<tag>:`, the start of every event id of this tag. */
  private readonly idPrefix: string;
  /** Counter: its semantics and decisions, and pieces since the last emitted event. */
  private readonly counterSem?: CounterSemantics;
  private readonly counter?: CounterTracker;
  private readonly onCounter?: (n: CounterNote) => void;
  private readonly liveness?: Liveness;
  /** Gateway time of the counter's last usable reading; undefined until the first (after a restart: the commit's). */
  private lastSeen: number | undefined;
  /** When the counter's readings turned bad or unusable (no evidence since); undefined while they are good. */
  private badSince: number | undefined;
  private readonly key: string;
  /** The raw the journal has (or will have, with an event in the batcher) for this counter; undefined before any. */
  private journalRaw: number | undefined;
  private pending = { delta: 0, raw: 0, at: 0, serverAt: undefined as number | undefined, windowStart: 0, quality: 'good' as 'good' | 'uncertain' };
  private stateQuality: 'good' | 'uncertain' = 'good';
  private analogQuality: 'good' | 'uncertain' = 'good';

  constructor(
    private readonly ref: MachineRef,
    readonly tag: EdgeTag,
    o: PipelineOptions = {},
  ) {
    this.label = `${ref.machine}/${tag.name}`;
    this.idPrefix = `${ref.machine}:${tag.name}:`;
    this.key = counterKey(ref, tag.name);
    this.liveness = o.liveness;
    if (tag.kind === 'counter') {
      if (o.idealCycleTimeS === undefined) throw new Error(`counter tag ${this.label} needs its machine's idealCycleTimeS (plausibility)`);
      this.counterSem = counterSemantics(tag);
      this.counter = new CounterTracker(this.counterSem, o.idealCycleTimeS, o.committed);
      this.onCounter = o.onCounter;
      if (o.committed) this.pending.raw = this.journalRaw = o.committed.raw;
    }
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
    const t = this.tag;
    const now = r.receivedAt ?? r.sourceTime;
    if (quality === 'bad') {
      if (t.kind === 'counter') this.badSince ??= now;
      return { type: 'dropped', reason: 'bad_status', detail: r.statusText };
    }
    switch (t.kind) {
      case 'counter': {
        const raw = parseCounterRaw(r.value, t.dataType, this.counterSem!.range);
        if (typeof raw === 'string') {
          this.badSince ??= now;
          return { type: 'dropped', reason: 'bad_value', detail: raw };
        }
        const wasSuspect = this.counter!.suspectSince !== undefined;
        const from = this.evidenceUntil(now);
        this.lastSeen = now;
        this.badSince = undefined;
        const v = this.counter!.offer({ raw, at: now, sourceTime: r.sourceTime, serverTime: r.serverTime, from });
        if (!wasSuspect && this.counter!.suspectSince !== undefined) this.onCounter?.({ type: 'suspect' });
        return this.counterVerdict(v, wasSuspect, now, quality, r.serverTime);
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
    if (t.kind === 'counter' && this.counter!.suspectSince !== undefined) {
      const out = this.counterVerdict(this.counter!.tick(now), true, now, 'good');
      if (out?.type === 'events' || out?.type === 'commit') return out;
    }
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

  /**
   * Until when the counter's previous value is evidenced, for a reading received at `now` (see `Liveness`):
   * undefined without liveness or before the first reading (a restart: the time since the commit counts).
   */
  private evidenceUntil(now: number): number | undefined {
    const l = this.liveness;
    if (!l || this.lastSeen === undefined) return undefined;
    if (this.badSince !== undefined) return this.badSince;
    if (l.gapStart > this.lastSeen) return l.gapStart;
    return Math.max(this.lastSeen, now - l.intervalMs);
  }

  /** Whether `tick` may still produce an event (a counter window, a debounced state, a value waiting for its interval). */
  get hasPending(): boolean {
    switch (this.tag.kind) {
      case 'counter':
        return this.pending.delta > 0 || this.counter!.suspectSince !== undefined;
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
    this.journalRaw = p.raw;
    return {
      type: 'event',
      readAt: this.counter!.baselineAt,
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

  /**
   * Applies a counter decision: counted pieces join the open window (events leave on the tick only, where the
   * buffer's room is known; windowMs 0 = every tick); a hold closes the window first, so the journal commits the
   * counted raw before the hold's, then goes out as its own event.
   */
  private counterVerdict(v: CounterVerdict, decided: boolean, now: number, quality: 'good' | 'uncertain', serverAt?: number): Outcome {
    if (!v) return { type: 'filtered' };
    if (decided) this.onCounter?.({ type: 'decided', step: v.type === 'hold' ? 'hold' : v.step });
    if (v.type === 'count') {
      // A new raw that meant no piece (a reset to the reset value) moves the baseline: committed at once, or a
      // restart would judge the next reading from the raw before the reset, with hours more allowance.
      if (v.delta === 0) {
        if (this.pending.delta > 0) this.pending.raw = v.raw;
        else if (v.raw !== this.journalRaw) {
          this.pending.raw = this.journalRaw = v.raw;
          return { type: 'commit', key: this.key, raw: v.raw, readAt: this.counter!.baselineAt! };
        }
        return { type: 'filtered' };
      }
      if (this.pending.delta === 0) this.pending.windowStart = now;
      this.pending = { ...this.pending, delta: this.pending.delta + v.delta, raw: v.raw, at: v.sourceTime, serverAt };
      if (quality === 'uncertain') this.pending.quality = 'uncertain';
      return { type: 'filtered' };
    }
    this.onCounter?.({ type: 'hold', reason: v.reason });
    const events: MachineEvent[] = [];
    const closed = this.flushCounter();
    if (closed?.type === 'event') events.push(closed.event);
    const last = v.readings[v.readings.length - 1]!;
    const t = this.tag as Extract<EdgeTag, { kind: 'counter' }>;
    events.push({
      ...this.base(last.sourceTime, quality, serverAt),
      eventId: `${this.idPrefix}hold:${last.sourceTime}:${v.raw}`,
      kind: 'hold',
      counter: t.counter,
      reason: v.reason,
      delta: v.delta,
      ...(v.limit !== undefined ? { limit: v.limit } : {}),
      elapsedMs: v.elapsedMs,
      raw: v.raw,
      readings: v.readings.map((r) => ({ raw: r.raw, sourceTime: new Date(r.sourceTime).toISOString() })),
      ...(v.explanations.length > 0 ? { explanations: v.explanations } : {}),
    });
    this.pending.raw = this.journalRaw = v.raw;
    return { type: 'events', events, readAt: this.counter!.baselineAt };
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
