import type { ReadModelWrite } from '../activities/read-model.js';
import type { WorkOrderPhase, WorkOrderStatus } from '../contracts/messages/work-order-status.js';
import { ThrottledWriter } from './throttled-writer.js';

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
  private readonly loop: ThrottledWriter;
  private lastPhase: WorkOrderPhase | undefined;

  /**
   * @param status the order's current status, taken when a write starts (so it holds everything asked before)
   * @param write the `upsertWorkOrder` local activity
   */
  constructor(
    status: () => WorkOrderStatus,
    write: (s: WorkOrderStatus, w: ReadModelWrite) => Promise<void>,
    everyMs = READ_MODEL_EVERY_MS,
  ) {
    this.loop = new ThrottledWriter(async () => {
      const s = status();
      await write(s, { asOf: new Date().toISOString(), countsOnly: s.phase === this.lastPhase });
      this.lastPhase = s.phase;
    }, everyMs);
  }

  /** Counts changed: written within `everyMs` of the last write. */
  countsChanged(): void {
    this.loop.changed();
  }

  /** Something a person or the ERP changed: written at once. */
  changed(): void {
    this.loop.urgent();
  }

  /** Writes the status as it is now, at once, and resolves when the row holds it. */
  flush(): Promise<void> {
    return this.loop.flush();
  }

  /** The writer's loop, for the workflow's life: started once, never resolves; a write's failure rejects it. */
  run(): Promise<never> {
    return this.loop.run();
  }
}
