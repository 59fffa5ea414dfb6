import { condition } from '@temporalio/workflow';
import type { ReadModelWrite } from '../activities/read-model.js';
import type { WorkOrderPhase, WorkOrderStatus } from '../contracts/messages/work-order-status.js';

/** Least time between two writes of an order's counts, in ms of workflow time: the read model is never further behind. */
export const READ_MODEL_EVERY_MS = 2_000;

/**
 * The one writer of a work order's read model row (work_orders, whose `status_doc` the planner API answers from) and,
 * through the same local activity, of its live WIP on `mes.<site>.<line>.wip`. A coroutine of the workflow, so:
 * - counts (`countsChanged`) are written at most once per READ_MODEL_EVERY_MS, always followed by a last write when
 *   they stop: a timer of workflow time waits out the rest of the interval, deterministic on replay;
 * - anything else (`changed`: a planner's command; `flush`: the main loop's phase changes, postings, notifications)
 *   is written at once, and `flush` resolves when the row holds it;
 * - writes are sequential, so a counts write can never overtake a phase write (the activity's `asOf` guard is for
 *   retries), and counts arriving while the main loop waits hours for the ERP or for a person still get written.
 *
 * Why here and not outside the workflow: only the workflow knows what it applied (refused overlapping ranges,
 * late counts kept aside, units moved to scrap by a quality disposition), and the bridge or relay writing beside it
 * would race the workflow's own phase writes. Why not an activity per count batch: a busy order takes a signal every
 * 50 ms (bridge/relay.ts), and a scheduled activity per signal adds about six history events to each. Throttled, a
 * busy order adds at most one local activity marker, one timer (started, fired) and one workflow task (three events)
 * per interval: at most about 3 events/s against the signals' own, so the history reaches continue-as-new at much the
 * same pace as before (Temporal: about 4,096 events per run suggested, 51,200 at most).
 */
export class ReadModelWriter {
  private requested = 0;
  private written = 0;
  private urgent = false;
  private lastAt = Number.NEGATIVE_INFINITY;
  private lastPhase: WorkOrderPhase | undefined;

  /**
   * @param status the order's current status, taken when a write starts (so it holds everything asked before)
   * @param write the `upsertWorkOrder` local activity
   */
  constructor(
    private readonly status: () => WorkOrderStatus,
    private readonly write: (s: WorkOrderStatus, w: ReadModelWrite) => Promise<void>,
    private readonly everyMs = READ_MODEL_EVERY_MS,
  ) {}

  /** Counts changed: written within `everyMs` of the last write. */
  countsChanged(): void {
    this.requested += 1;
  }

  /** Something a person or the ERP changed: written at once. */
  changed(): void {
    this.requested += 1;
    this.urgent = true;
  }

  /** Writes the status as it is now, at once, and resolves when the row holds it. */
  async flush(): Promise<void> {
    this.changed();
    const wanted = this.requested;
    await condition(() => this.written >= wanted);
  }

  /** The writer's loop, for the workflow's life: started once, never resolves; a write's failure rejects it. */
  async run(): Promise<never> {
    for (;;) {
      await condition(() => this.requested > this.written);
      const wait = this.lastAt + this.everyMs - Date.now();
      if (!this.urgent && wait > 0) await condition(() => this.urgent, wait);
      this.urgent = false;
      const wanted = this.requested;
      const s = this.status();
      await this.write(s, { asOf: new Date().toISOString(), countsOnly: s.phase === this.lastPhase });
      this.lastPhase = s.phase;
      this.written = wanted;
      this.lastAt = Date.now();
    }
  }
}
