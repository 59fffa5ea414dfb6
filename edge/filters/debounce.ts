/**
 * State debounce: a new value is published only after it held for `debounceMs`, so a bit flapping faster than that
 * is at most one change. Time is passed in (source timestamps and the gateway's tick), which keeps this pure.
 */
export class Debounce<T> {
  private published: T | undefined;
  private candidate: { value: T; since: number } | undefined;

  constructor(private readonly debounceMs: number) {}

  /** A new value waits to have held long enough: only then can `tick` return something. */
  get pending(): boolean {
    return this.candidate !== undefined && this.candidate.value !== this.published;
  }

  /** A new reading; returns a change at once when debounce is 0. */
  offer(value: T, at: number): { value: T; previous: T | undefined; at: number } | undefined {
    if (this.candidate?.value !== value) this.candidate = { value, since: at };
    return this.debounceMs === 0 ? this.tick(at) : undefined;
  }

  /** Called by the gateway's timer: publishes the candidate once it held long enough. */
  tick(now: number): { value: T; previous: T | undefined; at: number } | undefined {
    const c = this.candidate;
    if (!c || c.value === this.published || now - c.since < this.debounceMs) return undefined;
    const previous = this.published;
    this.published = c.value;
    return { value: c.value, previous, at: c.since };
  }
}
