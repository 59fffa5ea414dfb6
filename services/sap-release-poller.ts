import type { Logger } from 'pino';
import type { ReportRefusedRelease } from './release-check.js';
import { InvalidRelease, takeOrder, type IntakeResult, type SapIntakeDeps } from './sap-intake.js';

export interface SapPollerOptions {
  /** First cursor (ISO): orders changed at or after it are taken on the first poll. */
  since: string;
  /** Pause between polls, ms. */
  everyMs: number;
  /** Orders read per poll at most. */
  limit?: number;
}

/**
 * For SAP systems without business events: polls released production orders changed since a cursor
 * (LastChangeDateTime, through the adapter's `changedOrders`) and takes each as the event intake does
 * (services/sap-intake.ts `takeOrder`). Starts are exactly once because the start is idempotent by order
 * (workflow id `work-order:<site>:<order>`, never reused), not because of the cursor: the cursor stays at the last
 * change seen (`ge`, so that change is read again once) and lives in memory, so a restart re-reads from `since` and
 * starts nothing twice. A release the release check refuses (site, line or material unknown, the order closed in the
 * MES's records) is reported (`report`: the processes publish to the exceptions stream, stage `sap-poller`) as over
 * NATS, once per change of the order; an order no line of the plant file runs
 * is only logged: the poller reads every plant's released orders, and another plant's are not this MES's to run. An
 * order the intake cannot take otherwise (refused change, SAP's values no release) is logged and left; the next
 * change of it is taken again.
 */
export class SapReleasePoller {
  private cursor: string;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;
  /**
   * Refusals reported for changes stamped with the cursor's second (`<changedAt>|<order>`): `ge` reads those changes
   * once more, and a person is told once. Only the cursor's second is kept: earlier changes are not read again.
   */
  private reportedAtCursor = new Set<string>();

  constructor(
    private readonly deps: SapIntakeDeps,
    private readonly opts: SapPollerOptions,
    private readonly log: Logger,
    private readonly report: ReportRefusedRelease,
  ) {
    this.cursor = opts.since;
  }

  /** The change time the next poll reads from (ISO). */
  get since(): string {
    return this.cursor;
  }

  /**
   * One poll: every changed order taken, the cursor moved to the latest change seen.
   * @throws whatever reading SAP throws (ErpUnavailable while SAP is away); the cursor stays.
   */
  async pollOnce(): Promise<IntakeResult[]> {
    const limit = this.opts.limit ?? 100;
    const from = this.cursor;
    const orders = await this.deps.orders.changedOrders(from, limit);
    const results: IntakeResult[] = [];
    for (const order of orders) {
      try {
        const r = await takeOrder(this.deps, order);
        const seen = `${order.changedAt ?? ''}|${order.erpOrderId}`;
        if (r.refusal && r.release && !this.reportedAtCursor.has(seen)) {
          await this.report(r.release, r.refusal);
          this.reportedAtCursor.add(seen);
        }
        if (r.outcome === 'unplaced' || r.outcome === 'closed-in-mes' || r.outcome === 'refused') this.log.warn({ erpOrderId: r.erpOrderId, outcome: r.outcome, reason: r.reason }, 'SAP order not taken');
        results.push(r);
      } catch (err) {
        if (!(err instanceof InvalidRelease)) throw err;
        this.log.warn({ erpOrderId: order.erpOrderId, reason: err.message }, 'SAP order not taken');
      }
      if (order.changedAt && order.changedAt > this.cursor) {
        this.cursor = order.changedAt;
        for (const k of this.reportedAtCursor) if (!k.startsWith(`${this.cursor}|`)) this.reportedAtCursor.delete(k);
      }
    }
    // A full page of changes all stamped with the cursor's second would be read again and again: say so, a person
    // raises the limit (LastChangeDateTime has whole seconds).
    if (orders.length === limit && this.cursor === from) this.log.warn({ since: from, limit }, 'SAP poll: a full page changed in one second; raise the limit');
    return results;
  }

  /** Polls every `everyMs` until `stop()`; a failed poll is logged and tried again at the next tick. */
  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.running = this.pollOnce()
        .catch((err: unknown) => this.log.warn({ err }, 'SAP poll failed; trying again'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.opts.everyMs);
        });
    };
    tick();
  }

  /** Stops polling and waits for a poll under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
