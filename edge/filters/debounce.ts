/**
 * State debounce: a new value is published only after it held for `debounceMs`, so a bit flapping faster than that
 * is at most one change. Time is passed in, which keeps this pure.
 *
 * Two clocks: `now` (ms, the gateway's own monotonic clock: when the reading arrived, and the timer's tick) decides
 * how long a value held; `sourceTime` (ms since epoch, the PLC's SourceTimestamp) is only carried as the change's
 * business time (`at`). A PLC clock hours off, or one that jumps, cannot stretch or shrink a debounce.
 */
export class Debounce<T> {
  private published: T | undefined;
  private candidate: { value: T; since: number; sourceTime: number } | undefined;

  constructor(private readonly debounceMs: number) {}

  /** A new value waits to have held long enough: only then can `tick` return something. */
  get pending(): boolean {
    return this.candidate !== undefined && this.candidate.value !== this.published;
  }

  /** A new reading received at `now` (gateway clock); returns a change at once when debounce is 0. */
  offer(value: T, now: number, sourceTime = now): { value: T; previous: T | undefined; at: number } | undefined {
    if (this.candidate?.value !== value) this.candidate = { value, since: now, sourceTime };
    return this.debounceMs === 0 ? this.tick(now) : undefined;
  }

  /** Called by the gateway's timer (gateway clock): publishes the candidate once it held long enough. */
  tick(now: number): { value: T; previous: T | undefined; at: number } | undefined {
    const c = this.candidate;
    if (!c || c.value === this.published || now - c.since < this.debounceMs) return undefined;
    const previous = this.published;
    this.published = c.value;
    return { value: c.value, previous, at: c.sourceTime };
  }
}
