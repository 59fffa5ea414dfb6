import { condition } from '@temporalio/workflow';

/**
 * A read model writer's loop, as a coroutine of the workflow (workflows/read-model-writer.ts says why there):
 * - `changed()` asks for a write at most once per `everyMs` of workflow time after the last, always followed by a
 *   last write when changes stop: a timer of workflow time waits out the rest of the interval, deterministic on replay;
 * - `urgent()` asks for one at once, and `flush()` resolves when a write started after it has finished;
 * - writes are sequential, and each takes the state as it is when it starts, so it holds everything asked before.
 */
export class ThrottledWriter {
  private requested = 0;
  private written = 0;
  private hurry = false;
  private lastAt = Number.NEGATIVE_INFINITY;

  /** @param write one write of the current state (a local activity); its failure rejects `run`. */
  constructor(
    private readonly write: () => Promise<void>,
    private readonly everyMs: number,
  ) {}

  /** Something changed that may wait up to `everyMs`. */
  changed(): void {
    this.requested += 1;
  }

  /** Something changed that is written at once. */
  urgent(): void {
    this.requested += 1;
    this.hurry = true;
  }

  /** Whether a change waits to be written. */
  get pending(): boolean {
    return this.requested > this.written;
  }

  /** Writes the state as it is now, at once, and resolves when the write holds it. */
  async flush(): Promise<void> {
    this.urgent();
    const wanted = this.requested;
    await condition(() => this.written >= wanted);
  }

  /** The loop, for the workflow's life: started once, never resolves; a write's failure rejects it. */
  async run(): Promise<never> {
    for (;;) {
      await condition(() => this.requested > this.written);
      const wait = this.lastAt + this.everyMs - Date.now();
      if (!this.hurry && wait > 0) await condition(() => this.hurry, wait);
      this.hurry = false;
      const wanted = this.requested;
      await this.write();
      this.written = wanted;
      this.lastAt = Date.now();
    }
  }
}
