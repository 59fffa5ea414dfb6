/**
 * Analog deadband plus minimum interval, applied on the client whatever the server did (a server may ignore or not
 * support the DataChangeFilter). A value inside the band of the last published one is dropped; a value outside it
 * arriving before `minIntervalMs` waits, and the latest waiting value goes out when the interval ends.
 *
 * The interval runs on the gateway's monotonic clock (`now`, ms: when the reading arrived, and the timer's tick);
 * the PLC's source time (ms since epoch) only travels as the sample's business time (`at`), so a PLC clock hours
 * ahead or behind neither holds values back nor lets them all through.
 */
export interface DeadbandSettings {
  type: 'absolute' | 'percent';
  value: number;
  minIntervalMs: number;
  /** Needed for percent: the band is value% of (high - low). */
  range?: { low: number; high: number };
}

export interface Sample {
  value: number;
  at: number;
}

export class Deadband {
  /** Last published value and when it left, on the gateway clock. */
  private last: { value: number; sentAt: number } | undefined;
  private waiting: Sample | undefined;
  private readonly band: number;
  private readonly minIntervalMs: number;

  constructor(s: DeadbandSettings) {
    if (s.type === 'percent' && !s.range) throw new Error('percent deadband needs a range (EURange)');
    this.band = s.type === 'absolute' ? s.value : (s.value / 100) * (s.range!.high - s.range!.low);
    this.minIntervalMs = s.minIntervalMs;
  }

  /** A value waits for its minimum interval: only then can `tick` return something. */
  get pending(): boolean {
    return this.waiting !== undefined;
  }

  /** A reading received at `now` (gateway clock) with its source time (defaults to `now`). */
  offer(value: number, now: number, sourceTime = now): Sample | undefined {
    if (this.last && Math.abs(value - this.last.value) <= this.band) {
      // Back inside the band: whatever was waiting is no longer a change worth sending.
      this.waiting = undefined;
      return undefined;
    }
    this.waiting = { value, at: sourceTime };
    return this.tick(now);
  }

  tick(now: number): Sample | undefined {
    const w = this.waiting;
    if (!w || (this.last && now - this.last.sentAt < this.minIntervalMs)) return undefined;
    this.waiting = undefined;
    // The interval counts from when the value was published on the gateway clock, not from its source time.
    this.last = { value: w.value, sentAt: now };
    return w;
  }
}
