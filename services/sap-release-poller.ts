import type { JetStreamClient } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { ErpRejected, type OrderChange, type OrderChangeCursor } from '../contracts/erp-port.js';
import { nowIso, publishException } from '../jetstream/publish-exception.js';
import type { ReportRefusedRelease } from './release-check.js';
import { InvalidRelease, takeOrder, type IntakeResult, type SapIntakeDeps } from './sap-intake.js';

export interface SapPollerOptions {
  /** First cursor (ISO): orders changed at or after it (and in the overlap window before it) are taken on the first poll. */
  since: string;
  /** Pause between polls, ms. */
  everyMs: number;
  /** Orders read per page (`$top`); a poll reads page after page until SAP has no more. */
  limit?: number;
  /**
   * Seconds before the latest change seen that every poll reads again (default 300). SAP stamps LastChangeDateTime
   * when the change is made, and its update task commits it later (asynchronous update, SAP's "update task"
   * documentation): a poll can see a later change before an earlier one is committed. Changes already taken are
   * not taken again (`OrderChange.version`); the window costs one header read per change in it.
   */
  overlapSeconds?: number;
  /** Pages one poll reads at most (default 50); the next poll goes on from where this one stopped. */
  maxPagesPerPoll?: number;
}

/** What the poller tells a person: refused releases as every intake does, and orders it could not take at all. */
export interface SapPollerReports {
  refused: ReportRefusedRelease;
  /** One order of `site` that the poller could not read or place, with why; once per change of the order. */
  problem: (site: string, erpOrderId: string, reason: string) => Promise<void>;
}

/** `SapPollerReports.problem` as the processes send it: `ops.<site>.exception.sap-poller` (OPS_EXCEPTIONS). */
export const publishPollerProblem = (js: JetStreamClient) => async (site: string, erpOrderId: string, reason: string) => {
  await publishException(js, {
    kind: 'validation-failure', severity: 'warning', site, line: null, erpOrderId, workflowId: null, stage: 'sap-poller',
    causeKey: `sap-poller:${site}:${erpOrderId}`, occurrence: `${erpOrderId}:${reason.slice(0, 200)}`, reason: reason.slice(0, 4000),
    evidence: { erpOrderId }, actions: ['skip', 'escalate'], occurredAt: nowIso(),
  }, { erpOrderId });
};

const minus = (iso: string, seconds: number) => new Date(Date.parse(iso) - seconds * 1000).toISOString();

/**
 * For SAP systems without business events: polls the released production orders of the plant file's ERP plants
 * (`SapIntakeDeps.erpPlants`; another plant's orders are not this MES's and are not read) changed since a cursor, and
 * takes each as the event intake does (services/sap-intake.ts `takeOrder`).
 *
 * Reading: keyset pages in (LastChangeDateTime, ManufacturingOrder) order (the adapter's `changedOrders`), page after
 * page until SAP has no more, so any number of orders changed in one second is read (a mass release stamps them
 * alike). Every poll starts `overlapSeconds` before the latest change seen, for changes SAP commits after a later
 * one was read; a change already taken (same order, same header) is skipped.
 *
 * One order never stops the others: an order SAP holds in a shape the port cannot take (a unit the plant file does
 * not map, a material SAP allows and the port does not), a release the MES cannot make or place, a change the running
 * order refuses: each is reported for a person (`problem`, `ops.<site>.exception.sap-poller`; a release the release
 * check refuses through `refused`, as over NATS) once per change of the order, and the poll goes on. Only SAP, the
 * database or Temporal being away fails a poll; the cursor stays at the last change taken and the next tick retries.
 *
 * Starts are exactly once because the start is idempotent by order (workflow id `work-order:<site>:<order>`), not
 * because of the cursor. The cursor lives in memory: a restart reads again from `since` and starts nothing twice.
 */
export class SapReleasePoller {
  private cursor: string;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;
  /** Changes taken (`<order>|<version>` -> changedAt), kept while they are inside the overlap window. */
  private readonly taken = new Map<string, string>();

  constructor(
    private readonly deps: SapIntakeDeps,
    private readonly opts: SapPollerOptions,
    private readonly log: Logger,
    private readonly reports: SapPollerReports,
  ) {
    this.cursor = opts.since;
  }

  /** The latest change taken (ISO); the next poll reads from `overlapSeconds` before it. */
  get since(): string {
    return this.cursor;
  }

  /**
   * One poll: every change in the window taken or reported, the cursor moved to the latest change taken.
   * @throws whatever reading SAP, the database or Temporal throws while away (ErpUnavailable ...); the cursor stays at
   *   the last change taken.
   */
  async pollOnce(): Promise<IntakeResult[]> {
    const limit = this.opts.limit ?? 100;
    const overlap = this.opts.overlapSeconds ?? 300;
    const plants = [...this.deps.erpPlants.keys()];
    const results: IntakeResult[] = [];
    let after: OrderChangeCursor = { changedAt: minus(this.cursor, overlap), erpOrderId: '' };
    for (let page = 0; ; page++) {
      if (page === (this.opts.maxPagesPerPoll ?? 50)) {
        this.log.warn({ after, limit }, 'SAP poll: more changed orders than one poll reads; the next poll goes on');
        break;
      }
      const changes = await this.deps.orders.changedOrders(after, limit, plants);
      for (const c of changes) {
        const r = await this.take(c);
        if (r) results.push(r);
        if (c.changedAt > this.cursor) this.cursor = c.changedAt;
      }
      const last = changes.at(-1);
      if (!last || changes.length < limit) break;
      after = { changedAt: last.changedAt, erpOrderId: last.erpOrderId };
    }
    const oldest = minus(this.cursor, overlap);
    for (const [k, at] of this.taken) if (at < oldest) this.taken.delete(k);
    return results;
  }

  /** One change taken, or reported for a person; undefined when it was taken before. */
  private async take(c: OrderChange): Promise<IntakeResult | undefined> {
    const key = `${c.erpOrderId}|${c.version}`;
    if (this.taken.has(key)) return undefined;
    const site = this.deps.erpPlants.get(c.plant);
    // Asked for our plants only; should SAP send another plant's order anyway, it is still not ours.
    if (site === undefined) {
      this.log.debug({ erpOrderId: c.erpOrderId, plant: c.plant }, 'SAP order of another plant');
      return undefined;
    }
    let r: IntakeResult;
    try {
      r = await takeOrder(this.deps, await c.read());
    } catch (err) {
      // A refusal (SAP's values not the port's, no release the MES can make) is this order's; anything else is the
      // poll's (SAP, PostgreSQL or Temporal away) and is thrown, so the change is read again next tick.
      if (!(err instanceof InvalidRelease || err instanceof ErpRejected)) throw err;
      r = { erpOrderId: c.erpOrderId, outcome: 'refused', reason: err.message };
      this.log.warn({ erpOrderId: c.erpOrderId, reason: err.message }, 'SAP order not readable');
      await this.reports.problem(site, c.erpOrderId, `SAP order ${c.erpOrderId} (plant ${c.plant}, changed ${c.changedAt}): ${err.message}`);
      this.taken.set(key, c.changedAt);
      return r;
    }
    if (r.refusal && r.release) await this.reports.refused(r.release, r.refusal);
    else if (r.outcome === 'unplaced' || r.outcome === 'refused') await this.reports.problem(site, c.erpOrderId, `SAP order ${c.erpOrderId}: ${r.outcome}: ${r.reason ?? ''}`);
    if (r.outcome === 'unplaced' || r.outcome === 'closed-in-mes' || r.outcome === 'refused') this.log.warn({ erpOrderId: r.erpOrderId, outcome: r.outcome, reason: r.reason }, 'SAP order not taken');
    this.taken.set(key, c.changedAt);
    return r;
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
