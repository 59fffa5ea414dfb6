import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { DEFAULT_SHIFT_LATE_GRACE_S } from '../contracts/shift-time.js';
import { OUTBOX_SOURCE, type OrderDelta, type ShiftDelta } from '../contracts/messages/outbox-delta.js';
import type { Db } from '../db/client.js';
import { deleteThrough, moveToUnassigned, sealNextRange, workflowsWithPending, type OutboxRange } from '../db/event-outbox.js';
import type { UnassignedItem } from '../db/unassigned-production.js';
import { outboxRangeCountId } from '../workflows/definitions.js';
import { sumOrderDeltas, sumShiftDeltas } from './deltas.js';
import { limiter } from './limit.js';
import { closedOrderMark, deliverToOrder, deliverToShift } from './deliver.js';
import type { BridgeMetrics } from './metrics.js';
import { PendingTraces } from './pending-traces.js';
import { orderFieldsOfWorkflowId, withOrderLogFields } from '../observability/log-fields.js';

export interface RelayOptions {
  /** Rows (bridge rounds) at most in one range; a backlog after an outage drains in signals of this many rounds. */
  maxRows?: number;
  /** Least time between two signals to one workflow: Temporal wants a few signals a second per workflow, not hundreds. */
  minIntervalMs?: number;
  /** How often every pending workflow is looked for (rows of a bridge that died, rows of this one after a failure). */
  sweepMs?: number;
  /** First and longest wait before a workflow that refused is tried again; the others go on meanwhile. */
  retryMs?: number;
  maxRetryMs?: number;
  /**
   * How long a shift the relay starts takes late events after its end (ms; the workflow's `lateGraceMs`): a shift
   * started by a delta keeps the grace of the bridge that started it.
   */
  shiftLateGraceMs?: number;
  /** Database calls of the relay at once: below the pool's size (10), so the consumer's rounds always find a connection. */
  dbConcurrency?: number;
}

export interface RelayDeps {
  db: Db;
  client: Client;
  metrics: BridgeMetrics;
  log: Logger;
  /** Tells the site's operators that production went to unassigned (`ops.<site>.exception.signal-bridge`). */
  announceUnassigned: (site: string, items: UnassignedItem[]) => Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends each workflow's pending outbox rows as one signal per range, each workflow on its own: one that refuses or
 * waits (RESOURCE_EXHAUSTED while it continues-as-new, Temporal away) is retried with backoff while the others and
 * the consumer go on. Within a process one delivery per workflow is in flight; across processes several relays may
 * send the same workflow's range, which is safe because the range is sealed in the database (sealNextRange).
 */
export class OutboxRelay {
  private readonly active = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly retryAt = new Map<string, { at: number; delayMs: number }>();
  private readonly lastSent = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private sweeper: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly o: Required<RelayOptions>;
  private readonly withDb: <T>(fn: () => Promise<T>) => Promise<T>;
  /** The traces of the messages behind each workflow's pending rows (bridge/pending-traces.ts). */
  readonly traces = new PendingTraces();
  private readonly tracer = trace.getTracer('mes-signal-bridge');

  constructor(
    private readonly deps: RelayDeps,
    opts: RelayOptions = {},
  ) {
    this.o = { maxRows: 100, minIntervalMs: 50, sweepMs: 2_000, retryMs: 100, maxRetryMs: 5_000, dbConcurrency: 6, shiftLateGraceMs: DEFAULT_SHIFT_LATE_GRACE_S * 1000, ...opts };
    this.withDb = limiter(this.o.dbConcurrency);
  }

  /** Starts relaying what is pending now (a restart's leftovers) and sweeps for it periodically. */
  start(): void {
    const sweep = () => {
      // Forget quiet workflows, so the map stays the size of what is busy.
      for (const [id, at] of this.lastSent) if (at < Date.now() - this.o.sweepMs) this.lastSent.delete(id);
      this.traces.prune();
      void this.withDb(() => workflowsWithPending(this.deps.db))
        .then((ids) => this.notify(ids))
        .catch((err: unknown) => this.deps.log.warn({ err }, 'outbox sweep failed'));
    };
    sweep();
    this.sweeper = setInterval(sweep, this.o.sweepMs);
  }

  /** New rows were committed for these workflows. */
  notify(workflowIds: Iterable<string>): void {
    if (this.stopped) return;
    for (const id of workflowIds) {
      if (this.active.has(id)) {
        this.dirty.add(id);
        continue;
      }
      const retry = this.retryAt.get(id);
      if (retry && retry.at > Date.now() + 5) continue; // its retry timer comes back to it
      this.active.add(id);
      // Every line logged while relaying names the order (or the shift's line): observability/log-fields.ts.
      const p = withOrderLogFields(orderFieldsOfWorkflowId(id), () => this.drain(id)).finally(() => {
        this.inFlight.delete(p);
        this.active.delete(id);
        if (this.dirty.delete(id)) this.notify([id]);
      });
      this.inFlight.add(p);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweeper);
    await Promise.allSettled([...this.inFlight]);
  }

  private async drain(workflowId: string): Promise<void> {
    try {
      while (!this.stopped) {
        const wait = (this.lastSent.get(workflowId) ?? 0) + this.o.minIntervalMs - Date.now();
        if (wait > 0) await sleep(wait);
        this.dirty.delete(workflowId);
        const range = await this.withDb(() => sealNextRange(this.deps.db, workflowId, this.o.maxRows));
        if (!range) return;
        this.lastSent.set(workflowId, Date.now());
        await withOrderLogFields({ line: range.target.kind === 'work-order' ? range.target.line : undefined }, () => this.traced(range, () => this.deliver(range)));
        this.traces.delete(workflowId);
        this.retryAt.delete(workflowId);
      }
    } catch (err) {
      // Only this workflow waits; its rows stay and are sent again, from the same sealed range.
      const delayMs = Math.min(this.o.maxRetryMs, (this.retryAt.get(workflowId)?.delayMs ?? this.o.retryMs / 2) * 2);
      this.retryAt.set(workflowId, { at: Date.now() + delayMs, delayMs });
      this.deps.metrics.relayRetries.inc();
      this.deps.log.warn({ err, workflowId, delayMs }, 'outbox range not accepted, retrying this workflow later');
      setTimeout(() => this.notify([workflowId]), delayMs).unref();
    }
  }

  /**
   * Runs a range's delivery in a span continuing the trace of the newest message behind it (the others linked), so
   * the Temporal client's interceptor carries that trace into the workflow's signal.
   */
  private traced(r: OutboxRange, deliver: () => Promise<void>): Promise<void> {
    const { parent, links } = this.traces.parentOf(r.workflowId);
    const span = this.tracer.startSpan(`relay ${r.target.kind}`, {
      kind: SpanKind.PRODUCER,
      links,
      attributes: { 'mes.workflow_id': r.workflowId, 'mes.outbox.from_seq': r.fromSeq, 'mes.outbox.to_seq': r.toSeq, 'mes.outbox.rows': r.deltas.length },
    }, parent);
    return context.with(trace.setSpan(parent, span), deliver).then(
      () => span.end(),
      (err: Error) => {
        span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
        span.end();
        throw err;
      },
    );
  }

  private async deliver(r: OutboxRange): Promise<void> {
    const { db, client, metrics, log } = this.deps;
    const range = { v: 1 as const, source: OUTBOX_SOURCE, fromSeq: r.fromSeq, toSeq: r.toSeq };
    metrics.rowsPerSignal.observe(r.deltas.length);
    if (r.target.kind === 'shift') {
      const input = { shift: r.target.shift, lateGraceMs: this.o.shiftLateGraceMs };
      const outcome = await deliverToShift(client, metrics, r.workflowId, input, { ...range, ...sumShiftDeltas(r.deltas as ShiftDelta[]) });
      // As before the outbox: a shift past its grace period takes nothing; its counts still reached their order.
      if (outcome === 'closed') log.warn({ workflowId: r.workflowId, fromSeq: r.fromSeq, toSeq: r.toSeq }, 'deltas after the shift closed; counts still reach their order');
      await this.withDb(() => deleteThrough(db, r.workflowId, r.toSeq));
      return;
    }
    const sum = sumOrderDeltas(r.deltas as OrderDelta[]);
    if ((await deliverToOrder(client, metrics, r.workflowId, { ...range, ...sum })) === 'accepted') {
      await this.withDb(() => deleteThrough(db, r.workflowId, r.toSeq));
      return;
    }
    // The order is gone (closed and its run ended). A range its last run applied (counted, or kept aside as late
    // counts) was signalled by a relay that died before deleting it: taking it out is all that is left to do.
    const mark = await closedOrderMark(client, r.workflowId, OUTBOX_SOURCE);
    if (mark !== null && r.toSeq <= mark) {
      log.info({ workflowId: r.workflowId, fromSeq: r.fromSeq, toSeq: r.toSeq, appliedThrough: mark }, 'range already applied by the closed order: deleted');
      metrics.rangesAlreadyApplied.inc();
      await this.withDb(() => deleteThrough(db, r.workflowId, r.toSeq));
      return;
    }
    // Never applied: keep its pieces for a planner, under ids of the range.
    const { site, line } = r.target;
    const items: UnassignedItem[] = sum.machines
      .filter((m) => m.good + m.scrap > 0)
      .map((m) => ({
        site,
        line,
        reason: 'order-closed',
        count: { eventId: outboxRangeCountId(r.workflowId, r.fromSeq, r.toSeq, m.machine), machine: m.machine, sourceTime: m.lastSourceTime, good: m.good, scrap: m.scrap },
      }));
    await this.withDb(() => moveToUnassigned(db, r.workflowId, r.toSeq, items));
    for (const i of items) metrics.unassigned.inc({ reason: i.reason });
    if (items.length > 0) await this.deps.announceUnassigned(site, items);
  }
}
