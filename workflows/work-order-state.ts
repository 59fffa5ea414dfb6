import type { OrderContext } from '../activities/master-data.js';
import type { GoodsMovementItem } from '../contracts/erp-port.js';
import type { ConfirmationPolicy, OrderReleased } from '../contracts/messages/order-release.js';
import type { CompleteOrder, ProductionCount, ProductionCountBatch } from '../contracts/messages/production-count.js';
import type { QualityHold, WorkOrderPhase, WorkOrderStatus } from '../contracts/messages/work-order-status.js';
import { SEEN_IDS_LIMIT, SeenIds } from './seen-ids.js';

export { SEEN_IDS_LIMIT };


/** Everything a work order carries across continue-as-new. Plain JSON, so Temporal's payload converter keeps it. */
export interface WorkOrderCarry {
  phase: WorkOrderPhase;
  good: number;
  scrap: number;
  eventsApplied: number;
  duplicatesDropped: number;
  seenIds: string[];
  completion: CompleteOrder | null;
  // Added with the backflush saga; absent in carries of older runs.
  confirmedGood?: number;
  confirmedScrap?: number;
  nextPostingSeq?: number;
  context?: OrderContext | null;
  held?: boolean;
  // Added with cancellation; absent in carries of older runs.
  standing?: StandingPosting[];
  standingComplete?: boolean;
  qualityHolds?: QualityHold[];
}

/** A posting the order has in the ERP, kept so a cancellation can take it back. */
export interface StandingPosting {
  kind: 'goods-issue' | 'confirmation' | 'goods-receipt';
  seq: number;
  /** The movement's items (empty for a confirmation): its reversal carries the same. */
  items: GoodsMovementItem[];
  /** The confirmation's yield and scrap (0 for a movement): cancelling it takes them off what is confirmed. */
  yieldQty: number;
  scrapQty: number;
}

/** Posting 1 is the final confirmation (as in the first release); every other posting numbers from 2 on. */
export const FINAL_CONFIRMATION_SEQ = 1;

/** The work order's state and rules, free of Temporal so it is unit-tested as plain code. */
export class WorkOrderState {
  phase: WorkOrderPhase;
  good: number;
  scrap: number;
  eventsApplied: number;
  duplicatesDropped: number;
  completion: CompleteOrder | null;
  confirmationDocument: string | null = null;
  exception: string | null = null;
  /** Yield and scrap the ERP has confirmed, partials and final. */
  confirmedGood: number;
  confirmedScrap: number;
  /** Next posting sequence: postings are numbered in workflow state, so a key never depends on runId or attempt. */
  nextPostingSeq: number;
  /** BOM, plant and storage location, loaded once so every confirmation of the order backflushes the same way. */
  context: OrderContext | null;
  /** The final confirmation has started: later counts are left for the exception path. */
  closing = false;
  /** Planner's hold: counts are taken, no confirmation is posted until resumed. */
  held: boolean;
  cancelled: { reason: string; requestedBy: string } | null = null;
  /** What stands in the ERP for this order, in posting order; a cancellation takes it back from the last. */
  standing: StandingPosting[];
  /**
   * False for an order whose earlier runs posted before `standing` was kept: its list misses those documents, so a
   * cancellation could not take them back and is refused once anything is confirmed.
   */
  standingComplete: boolean;
  /** Yield of the confirmation being posted right now: neither confirmable again nor holdable until it is decided. */
  postingYield = 0;
  /** Quality holds in the order they were made, open and decided. */
  qualityHolds: QualityHold[];
  /** Counts that arrived after the order stopped taking them; the workflow hands them to unassigned production. */
  lateCounts: ProductionCount[] = [];
  /** Events applied since this run started: the test threshold for continue-as-new counts these. */
  eventsThisRun = 0;
  private readonly seen: SeenIds;

  constructor(
    readonly workflowId: string,
    public release: OrderReleased,
    carry?: WorkOrderCarry,
  ) {
    this.phase = carry?.phase ?? 'released';
    this.good = carry?.good ?? 0;
    this.scrap = carry?.scrap ?? 0;
    this.eventsApplied = carry?.eventsApplied ?? 0;
    this.duplicatesDropped = carry?.duplicatesDropped ?? 0;
    this.completion = carry?.completion ?? null;
    this.seen = new SeenIds(carry?.seenIds, SEEN_IDS_LIMIT);
    this.confirmedGood = carry?.confirmedGood ?? 0;
    this.confirmedScrap = carry?.confirmedScrap ?? 0;
    this.nextPostingSeq = carry?.nextPostingSeq ?? FINAL_CONFIRMATION_SEQ + 1;
    this.context = carry?.context ?? null;
    this.held = carry?.held ?? false;
    this.standing = carry?.standing ?? [];
    this.standingComplete = carry === undefined || (carry.standing !== undefined && carry.standingComplete !== false);
    this.qualityHolds = carry?.qualityHolds ?? [];
  }

  /** Units under an open quality hold: counted, not confirmable until a person decides. */
  get qualityHeld(): number {
    return this.qualityHolds.reduce((s, h) => s + (h.disposition === null ? h.quantity : 0), 0);
  }

  /** Good units counted, not confirmed or being confirmed, and not held: what the next confirmation may post. */
  get confirmable(): number {
    return this.good - this.confirmedGood - this.postingYield - this.qualityHeld;
  }

  /** A quality hold is refused when the order is closed or the quantity is not counted and unconfirmed. */
  refusesQualityHold(quantity: number): string | null {
    if (!(this.phase === 'released' || this.phase === 'running')) return `order is ${this.phase}: only a running or released order takes a quality hold`;
    if (this.context && !this.context.plant) return `line ${this.release.line} has no ERP plant in the plant model: the ERP could not be told of a hold`;
    if (quantity > this.confirmable)
      return `quantity ${quantity} is more than the ${this.confirmable} ${this.release.unit} counted good and not yet confirmed or held`;
    return null;
  }

  /** The person's decision on a hold: released units are good again, scrapped ones move from good to scrap. */
  dispose(holdId: number, decision: 'release' | 'scrap'): void {
    const hold = this.qualityHolds.find((h) => h.id === holdId);
    if (!hold) throw new Error(`no quality hold ${holdId} on this order`);
    if (hold.disposition !== null) throw new Error(`quality hold ${holdId} was already decided: ${hold.disposition}`);
    hold.disposition = decision;
    if (decision === 'scrap') {
      this.good -= hold.quantity;
      this.scrap += hold.quantity;
    }
  }

  get policy(): ConfirmationPolicy {
    return this.release.confirmationPolicy ?? { goodsReceipt: false, overdeliveryTolerancePct: 10 };
  }

  allocatePostingSeq(): number {
    return this.nextPostingSeq++;
  }

  /** Counts are taken while the order runs, and while a partial confirmation waits for a person. */
  get acceptsCounts(): boolean {
    return this.phase === 'released' || this.phase === 'running' || (this.phase === 'exception' && !this.closing);
  }

  /** A partial confirmation is due when `partialEvery` good units have gathered since the last confirmation. */
  get partialDue(): boolean {
    const every = this.policy.partialEvery;
    return every !== undefined && (this.phase === 'released' || this.phase === 'running') && !this.held && !this.readyToConfirm &&
      this.confirmable >= every;
  }

  get plannedQuantity(): number {
    return Number(this.release.quantity);
  }

  /** Applies a batch once per event id; counts after the order closed are kept aside, never dropped. */
  applyCounts(batch: ProductionCountBatch): void {
    if (!this.acceptsCounts) {
      for (const e of batch.events) if (this.seen.add(e.eventId)) this.lateCounts.push(e);
      return;
    }
    for (const e of batch.events) {
      if (!this.seen.add(e.eventId)) {
        this.duplicatesDropped += 1;
        continue;
      }
      this.good += e.good;
      this.scrap += e.scrap;
      this.eventsApplied += 1;
      this.eventsThisRun += 1;
    }
    if (this.phase === 'released' && this.eventsApplied > 0) this.phase = 'running';
  }

  requestCompletion(req: CompleteOrder): void {
    this.completion ??= req;
  }

  /** The order closes when someone completes it or the good quantity reaches the planned quantity. */
  get readyToConfirm(): boolean {
    // Open quality holds keep the order from closing: the final confirmation waits for the person's disposition.
    return (this.phase === 'released' || this.phase === 'running') && !this.held && this.cancelled === null && this.qualityHeld === 0 &&
      (this.completion !== null || this.good >= this.plannedQuantity);
  }

  carry(): WorkOrderCarry {
    return {
      phase: this.phase,
      good: this.good,
      scrap: this.scrap,
      eventsApplied: this.eventsApplied,
      duplicatesDropped: this.duplicatesDropped,
      seenIds: this.seen.toArray(),
      completion: this.completion,
      confirmedGood: this.confirmedGood,
      confirmedScrap: this.confirmedScrap,
      nextPostingSeq: this.nextPostingSeq,
      context: this.context,
      held: this.held,
      standing: this.standing,
      standingComplete: this.standingComplete,
      qualityHolds: this.qualityHolds,
    };
  }

  /** One line for the Web UI's "Current Details": what the order is doing or waiting for. */
  describe(): string {
    const qty = `${this.good} of ${this.release.quantity} ${this.release.unit} good, ${this.scrap} scrap`;
    if (this.held) return `Held by a planner (${qty}); nothing is confirmed until it is resumed.`;
    const open = this.qualityHolds.filter((h) => h.disposition === null);
    if (open.length > 0 && (this.phase === 'released' || this.phase === 'running'))
      return `Running on ${this.release.line}: ${qty}; ${this.qualityHeld} ${this.release.unit} under quality hold ` +
        `(${open.map((h) => `#${h.id} ${h.notification ? `notification ${h.notification}` : 'notification not yet in the ERP'}`).join(', ')}), waiting for a disposition.`;
    switch (this.phase) {
      case 'released':
        return `Released; waiting for the first counts from ${this.release.line}.`;
      case 'running':
        return `Running on ${this.release.line}: ${qty}; confirmed so far ${this.confirmedGood}.`;
      case 'confirming':
        return `Posting the final confirmation to the ERP (${qty}); retrying while the ERP is unreachable.`;
      case 'exception':
        return `Waiting for a person: the ERP refused a posting (${this.exception ?? 'no message'}). Fix it in the ERP, then retry-posting.`;
      case 'confirmed':
        return `Confirmed in the ERP (document ${this.confirmationDocument ?? '-'}): ${qty}.`;
      case 'cancelling':
        return `Cancelled by a planner (${qty}): taking its postings back from the ERP, the last first; ${this.standing.length} left.`;
      case 'cancelled':
        return `Cancelled by a planner (${qty}); nothing of it stands in the ERP.`;
    }
  }

  /** A cancellation is refused while a person still has to decide a hold, or when postings of old runs are unknown. */
  refusesCancel(): string | null {
    if (!(this.phase === 'released' || this.phase === 'running')) return `order is ${this.phase}: only a running or released order can be cancelled`;
    if (this.qualityHeld > 0) return `${this.qualityHeld} ${this.release.unit} are under quality hold: decide the holds first`;
    if (!this.standingComplete && (this.confirmedGood > 0 || this.confirmedScrap > 0))
      return 'order confirmed quantity before its postings were tracked; cancel its confirmations in the ERP first';
    return null;
  }

  /** ERP changed the order after release: quantity and dates follow; anything else is a different order. */
  refusesReleaseChange(next: OrderReleased): string | null {
    const r = this.release;
    if (next.material !== r.material || next.line !== r.line || next.unit !== r.unit || next.operation !== r.operation)
      return 'material, line, unit and operation cannot change on a released order';
    if (!(this.phase === 'released' || this.phase === 'running')) return `order is ${this.phase}: its release can no longer change`;
    if (Number(next.quantity) < this.confirmedGood) return `quantity ${next.quantity} is below the ${this.confirmedGood} already confirmed`;
    return null;
  }

  status(): WorkOrderStatus {
    const r = this.release;
    return {
      workflowId: this.workflowId,
      site: r.site,
      erpOrderId: r.erpOrderId,
      line: r.line,
      material: r.material,
      operation: r.operation,
      plannedQuantity: r.quantity,
      unit: r.unit,
      phase: this.phase,
      good: this.good,
      scrap: this.scrap,
      eventsApplied: this.eventsApplied,
      duplicatesDropped: this.duplicatesDropped,
      confirmedGood: this.confirmedGood,
      confirmedScrap: this.confirmedScrap,
      goodsReceipt: this.policy.goodsReceipt,
      held: this.held,
      qualityHeld: this.qualityHeld,
      qualityHolds: this.qualityHolds,
      context: this.context,
      confirmationDocument: this.confirmationDocument,
      exception: this.exception,
      releasedAt: r.releasedAt,
      plannedStart: r.plannedStart ?? null,
      plannedEnd: r.plannedEnd ?? null,
    };
  }
}
