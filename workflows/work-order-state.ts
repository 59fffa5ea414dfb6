import type { OrderContext } from '../activities/master-data.js';
import type { ConfirmationPolicy, OrderReleased } from '../contracts/messages/order-release.js';
import type { ProductionDeltas } from '../contracts/messages/outbox-delta.js';
import type { CompleteOrder, ProductionCountBatch } from '../contracts/messages/production-count.js';
import type { ErpOrderClosed, QualityHold, WorkOrderPhase, WorkOrderStatus } from '../contracts/messages/work-order-status.js';
import type { PlannerCommand, QualityHoldCommand } from '../contracts/messages/planner-command.js';
import { SEEN_IDS_LIMIT } from './seen-ids.js';
import type { StandingPosting } from './work-order-ledger.js';
import type { CountsCarry, RangeVerdict } from './work-order-counts.js';
import { WorkOrderLedger, type LedgerCarry } from './work-order-ledger.js';
import { describeOrder, orderStatus } from './work-order-view.js';
import type { Measurement } from '../contracts/messages/inspection.js';
import type { QualityDisposition } from '../contracts/messages/planner-command.js';
import { OrderQuality, type OrderQualityCarry } from './work-order-quality.js';

export { SEEN_IDS_LIMIT };
export { FINAL_CONFIRMATION_SEQ, type StandingPosting } from './work-order-ledger.js';

/** Everything a work order carries across continue-as-new. Plain JSON, so Temporal's payload converter keeps it. */
export interface WorkOrderCarry extends CountsCarry, LedgerCarry {
  phase: WorkOrderPhase;
  completion: CompleteOrder | null;
  // Added with the backflush saga; absent in carries of older runs.
  context?: OrderContext | null;
  held?: boolean;
  // Added with quality holds; absent in carries of older runs.
  qualityHolds?: QualityHold[];
  // Added with the SAP intake; absent in carries of older runs.
  erpClosed?: ErpOrderClosed | null;
  // Added with automatic quality (docs/quality.md); absent in carries of older runs and of orders without characteristics.
  quality?: OrderQualityCarry;
}

/** An update's validator refuses by throwing: nothing of the update is written to history. */
function refuse(refusal: string | null): void {
  if (refusal) throw new Error(refusal);
}

/**
 * The work order's state and rules, free of Temporal so it is unit-tested as plain code. Handlers call its methods;
 * a `check...` method throws the refusal an update's validator gives, before anything is written.
 */
export class WorkOrderState extends WorkOrderLedger {
  phase: WorkOrderPhase;
  completion: CompleteOrder | null;
  exception: string | null = null;
  /** BOM, plant and storage location, loaded once so every confirmation of the order backflushes the same way. */
  context: OrderContext | null;
  /** The final confirmation has started: later counts are left for the exception path. */
  closing = false;
  /** Planner's hold: counts are taken, no confirmation is posted until resumed. */
  held: boolean;
  cancelled: PlannerCommand | null = null;
  /** A person asked to post again after a refusal. */
  retryRequested = false;
  /** Quality holds in the order they were made, open and decided. */
  qualityHolds: QualityHold[];
  /** The ERP closed the order itself (technical completion, deletion flag): no more confirmations. */
  erpClosed: ErpOrderClosed | null;
  /** The run may put held units into blocked stock (patch 'blocked-stock', workflows/work-order.ts). */
  blockedStockEnabled = false;
  /** The run judges tag values in their characteristic's unit (patch 'measurement-units', workflows/work-order.ts). */
  convertsUnits = false;
  /** Units released ahead and held again go back to blocked stock by 344 (patch 'blocked-stock-344'); older runs receive them again. */
  blockedTransferEnabled = false;
  /** Automatic quality from measurements; null for runs recorded before it and orders without inspection characteristics. */
  quality: OrderQuality | null = null;
  private readonly qualityCarry: OrderQualityCarry | undefined;
  /**
   * Ranges applied before the order's context (and so its characteristics) was loaded or its carry taken up: their
   * new good units and measurements, with the good count then. A run's first signals are handled in its first
   * activation, as their handlers are set, before the workflow's quality is set up.
   * Null once quality is decided (or for runs recorded before it).
   */
  private earlyMeasurements: Array<{ grew: number; good: number; measurements: Measurement[] }> | null = null;

  constructor(
    readonly workflowId: string,
    public release: OrderReleased,
    carry?: WorkOrderCarry,
  ) {
    super(carry);
    this.phase = carry?.phase ?? 'released';
    this.completion = carry?.completion ?? null;
    this.context = carry?.context ?? null;
    this.held = carry?.held ?? false;
    this.qualityHolds = carry?.qualityHolds ?? [];
    this.erpClosed = carry?.erpClosed ?? null;
    this.qualityCarry = carry?.quality;
  }

  /**
   * Turns automatic quality on once the context is known (runs patched for it only): the characteristics of the
   * order's operation judge its measurements from here on. Nothing happens for an order without characteristics.
   */
  enableQuality(): void {
    const characteristics = this.context?.characteristics ?? [];
    if (characteristics.length > 0 || this.qualityCarry) this.quality = new OrderQuality(this, characteristics, this.qualityCarry, this.convertsUnits);
    for (const e of this.earlyMeasurements ?? []) {
      this.quality?.counted(e.grew);
      for (const m of e.measurements) this.quality?.measure(m, e.good);
    }
    this.earlyMeasurements = null;
  }

  /** The run takes measurements (patched for it): those arriving before the context is loaded wait for it. */
  expectQuality(): void {
    this.earlyMeasurements = [];
  }

  /** Released or running: the order takes holds, commands and confirmations. */
  get isOpen(): boolean {
    return this.phase === 'released' || this.phase === 'running';
  }

  /** Units under an open quality hold: counted, not confirmable until a person decides. */
  get qualityHeld(): number {
    // Reworked units are held until their rework confirmation is in the ERP.
    return this.qualityHolds.reduce((s, h) => s + (h.disposition === null || this.awaitsRework(h) ? h.quantity : 0), 0);
  }

  private awaitsRework(h: QualityHold): boolean {
    return h.disposition === 'rework' && !h.reworkConfirmation;
  }

  /**
   * Good units counted ever, scrapped dispositions included: a mark that never falls, for the lots of automatic quality
   * (a scrap disposition moves units from good to scrap, which would make `good` fall below a lot's start).
   */
  get goodMade(): number {
    return this.good + this.qualityHolds.reduce((s, h) => s + (h.disposition === 'scrap' ? h.quantity : 0), 0);
  }

  /** Reworked holds whose rework confirmation is not yet in the ERP. */
  get pendingRework(): QualityHold[] {
    return this.qualityHolds.filter((h) => this.awaitsRework(h));
  }

  /** The rework of a hold is confirmed (posting `seq`, the ERP's `document`): its units are good and confirmable. */
  reworked(hold: QualityHold, seq: number, document: string): void {
    hold.reworkConfirmation = document;
    // A cancellation takes it back like any confirmation; it adds nothing to the order's own operation.
    this.standing.push({ kind: 'confirmation', seq, items: [], yieldQty: 0, scrapQty: 0 });
  }

  /** Good units counted, not confirmed or being confirmed, and not held: what the next confirmation may post. */
  get confirmable(): number {
    return this.good - this.confirmedGood - this.postingYield - this.qualityHeld - this.awaitingBlockedRelease;
  }

  /**
   * Units of released (or reworked and rework-confirmed) holds whose blocked stock is not yet moved out by their 343:
   * their 101 was the one to blocked stock, so no confirmation may take them before the 343 makes them `receivedAhead`
   * (a confirmation retried after a refusal decides its quantity again, and would otherwise receive them twice).
   */
  private get awaitingBlockedRelease(): number {
    return this.qualityHolds.reduce((s, h) => s + (h.blockedStock && h.blockedStock.received > 0 && h.blockedStock.settled === null &&
      this.isGoodAgain(h) ? h.quantity : 0), 0);
  }

  /** A hold's units are good again: released, or reworked with the rework's confirmation in the ERP. */
  private isGoodAgain(h: QualityHold): boolean {
    return h.disposition === 'release' || (h.disposition === 'rework' && !this.awaitsRework(h));
  }

  get policy(): ConfirmationPolicy {
    return this.release.confirmationPolicy ?? { goodsReceipt: false, overdeliveryTolerancePct: 10 };
  }

  get plannedQuantity(): number {
    return Number(this.release.quantity);
  }

  /** BOM, plant and storage location of the order, kept from the first load on. */
  useContext(ctx: OrderContext): OrderContext {
    this.context = ctx;
    return ctx;
  }

  /** Counts are taken while the order runs, and while a partial confirmation waits for a person. */
  get acceptsCounts(): boolean {
    return this.erpClosed === null && (this.isOpen || (this.phase === 'exception' && !this.closing));
  }

  /** Applies a batch once per event id; counts after the order closed are kept aside, never dropped. */
  applyCounts(batch: ProductionCountBatch): void {
    const accepted = this.acceptsCounts;
    this.count(batch, accepted);
    if (accepted && this.phase === 'released' && this.eventsApplied > 0) this.phase = 'running';
  }

  /** Applies an outbox range once; after the order closed its pieces are kept aside as late counts. */
  applyDeltas(d: ProductionDeltas): RangeVerdict {
    const accepted = this.acceptsCounts;
    const goodBefore = this.good;
    const verdict = this.countDelta(d, accepted, this.workflowId);
    if (accepted && this.phase === 'released' && this.eventsApplied > 0) this.phase = 'running';
    // The range's counts first, then its values in source-time order: a value holds the pieces its range brought too.
    if (verdict === 'apply' && accepted && this.quality) {
      this.quality.counted(this.good - goodBefore);
      for (const m of d.measurements ?? []) this.quality.measure(m);
    } else if (verdict === 'apply' && accepted && this.earlyMeasurements) {
      this.earlyMeasurements.push({ grew: this.good - goodBefore, good: this.goodMade, measurements: d.measurements ?? [] });
    }
    return verdict;
  }

  /** A lab result is refused for a closed order, an order without the characteristic, another unit or a repeated sample. */
  checkLabResult(m: Measurement): void {
    if (!this.isOpen) throw new Error(`order is ${this.phase}: only a running or released order takes lab results`);
    if (!this.quality && this.earlyMeasurements) throw new Error('the order is starting: its inspection characteristics are not loaded yet, try again in a moment');
    if (!this.quality) throw new Error(`material ${this.release.material} has no inspection characteristics on line ${this.release.line}`);
    refuse(this.quality.refusesLabResult(m));
  }

  labResult(m: Measurement): void {
    this.quality!.labResult(m);
  }

  requestCompletion(req: CompleteOrder): void {
    this.completion ??= req;
  }

  /** A partial confirmation is due when `partialEvery` good units have gathered since the last confirmation. */
  get partialDue(): boolean {
    const every = this.policy.partialEvery;
    return every !== undefined && this.isOpen && !this.held && this.erpClosed === null && !this.readyToConfirm && this.confirmable >= every;
  }

  /** The order closes when someone completes it or the good quantity reaches the planned quantity. */
  get readyToConfirm(): boolean {
    // Open quality holds keep the order from closing: the final confirmation waits for the person's disposition.
    return this.isOpen && !this.held && this.cancelled === null && this.erpClosed === null && this.qualityHeld === 0 &&
      (this.completion !== null || this.good >= this.plannedQuantity);
  }

  // Planner commands. Each `check...` is its update's validator; the command itself only changes state.

  checkHold(): void {
    if (!this.isOpen || this.held) throw new Error(`order is ${this.held ? 'already held' : this.phase}: only a running or released order can be held`);
  }

  hold(): void {
    this.held = true;
  }

  checkResume(): void {
    if (!this.held) throw new Error('order is not held');
  }

  resume(): void {
    this.held = false;
  }

  /** ERP changed the order after release: quantity and dates follow; anything else is a different order. */
  refusesReleaseChange(next: OrderReleased): string | null {
    const r = this.release;
    if (next.material !== r.material || next.line !== r.line || next.unit !== r.unit || next.operation !== r.operation)
      return 'material, line, unit and operation cannot change on a released order';
    // A parked order (a refused confirmation, e.g. yield beyond the over-delivery tolerance) takes a change: the
    // ERP's raised quantity is how a person fixes the refusal before asking for the retry.
    if (!this.isOpen && this.phase !== 'exception') return `order is ${this.phase}: its release can no longer change`;
    if (Number(next.quantity) < this.confirmedGood) return `quantity ${next.quantity} is below the ${this.confirmedGood} already confirmed`;
    return null;
  }

  checkReleaseChange(next: OrderReleased): void {
    refuse(this.refusesReleaseChange(next));
  }

  changeRelease(next: OrderReleased): void {
    this.release = { ...this.release, quantity: next.quantity, plannedStart: next.plannedStart, plannedEnd: next.plannedEnd, releasedAt: next.releasedAt };
  }

  /** A cancellation is refused while a person still has to decide a hold, or when postings of old runs are unknown. */
  refusesCancel(): string | null {
    if (!this.isOpen) return `order is ${this.phase}: only a running or released order can be cancelled`;
    if (this.qualityHeld > 0) return `${this.qualityHeld} ${this.release.unit} are under quality hold: decide the holds first`;
    if (!this.standingComplete && (this.confirmedGood > 0 || this.confirmedScrap > 0))
      return 'order confirmed quantity before its postings were tracked; cancel its confirmations in the ERP first';
    return null;
  }

  checkCancel(): void {
    refuse(this.refusesCancel());
  }

  cancel(cmd: PlannerCommand): void {
    this.cancelled = cmd;
  }

  /**
   * The ERP closed the order (SAP TECO or deletion flag): the workflow stops taking counts and closes as `closed`
   * without posting anything more; what was posted stands (SAP keeps it on the closed order). Taken once, while the
   * order is open or waits for a person; a closing or closed order ignores it (its last posting is under way or done).
   */
  closeInErp(closed: ErpOrderClosed): void {
    if (this.closing || this.erpClosed !== null) return;
    this.erpClosed = closed;
  }

  // Quality: holds of counted, unconfirmed units, and a person's disposition of each.

  /** A quality hold is refused when the order is closed or the quantity is not counted and unconfirmed. */
  refusesQualityHold(quantity: number): string | null {
    if (!this.isOpen) return `order is ${this.phase}: only a running or released order takes a quality hold`;
    if (this.context && !this.context.plant) return `line ${this.release.line} has no ERP plant in the plant model: the ERP could not be told of a hold`;
    if (quantity > this.confirmable)
      return `quantity ${quantity} is more than the ${this.confirmable} ${this.release.unit} counted good and not yet confirmed or held`;
    return null;
  }

  checkQualityHold(cmd: QualityHoldCommand): void {
    if (!Number.isInteger(cmd.quantity) || cmd.quantity <= 0) throw new Error(`quantity must be a positive whole number of ${this.release.unit}`);
    refuse(this.refusesQualityHold(cmd.quantity));
    if (cmd.blockedStock && !this.blockedStockEnabled) throw new Error('blockedStock: this order\'s run started before blocked stock was built; hold without it');
    if (cmd.blockedStock && !this.policy.goodsReceipt) throw new Error('blockedStock: the order\'s confirmation policy posts no goods receipt, so its units reach no stock to block');
  }

  /** Held units of this order can go to blocked stock: the run takes it and the order receives its goods. */
  get blocksStock(): boolean {
    return this.blockedStockEnabled && this.policy.goodsReceipt;
  }

  /** The hold's id is its notification's posting sequence: the notification is raised once, whenever it gets out. */
  qualityHold(cmd: QualityHoldCommand): void {
    // Workflow time (Date is deterministic in the workflow sandbox): the field adds no command, so no patch is needed.
    this.qualityHolds.push({
      id: this.allocatePostingSeq(), quantity: cmd.quantity, defectText: cmd.defectText, requestedBy: cmd.requestedBy, notification: null, disposition: null,
      heldAt: new Date().toISOString(),
      ...(cmd.blockedStock ? { blockedStock: { received: 0, settled: null } } : {}),
    });
  }

  // Blocked stock: held units received into it, and moved out after the person's decision (docs/quality.md).

  /**
   * Undecided holds with units not yet in blocked stock: received when the hold has units (with its notification),
   * topped up once its excursion ends (an automatic hold grows while it is open; one receipt per outbox range would
   * be a document per second).
   */
  get pendingBlockedReceipts(): QualityHold[] {
    return this.qualityHolds.filter((h) => h.blockedStock && h.disposition === null && h.quantity > h.blockedStock.received &&
      (h.open !== true || h.blockedStock.received === 0));
  }

  /**
   * Where the hold's units not yet in blocked stock come from: `fresh`, counted units in no stock yet (a 101 to blocked
   * receives them), and `again`, units in unrestricted stock ahead of their confirmation (released from an earlier hold)
   * that a 344 moves back. A hold takes counted units, not identified pieces: it takes those in no stock first, and
   * units already received only when no others are left, as a second receipt of them would receive them twice.
   */
  blockedSources(hold: QualityHold): { fresh: number; again: number } {
    const wanted = hold.quantity - hold.blockedStock!.received;
    if (!this.blockedTransferEnabled) return { fresh: wanted, again: 0 };
    // Counted good, unconfirmed and in no stock: neither received ahead nor blocked under a hold not scrapped.
    const blockedGood = this.qualityHolds.reduce((s, h) => s + (h.blockedStock && h.blockedStock.settled === null && h.disposition !== 'scrap' ? h.blockedStock.received : 0), 0);
    const inNoStock = Math.max(0, this.good - this.confirmedGood - this.postingYield - this.receivedAhead - blockedGood);
    const again = Math.min(this.receivedAhead, Math.max(0, wanted - inNoStock));
    return { fresh: wanted - again, again };
  }

  /**
   * `quantity` units of the hold stand in blocked stock (posting `seq`): received into it, or moved into it from the
   * units received ahead (`blocked-transfer`, 344), which are then no longer ahead of their confirmation.
   */
  receivedBlocked(hold: QualityHold, quantity: number, seq: number, items: StandingPosting['items'], kind: 'blocked-receipt' | 'blocked-transfer' = 'blocked-receipt'): void {
    hold.blockedStock!.received += quantity;
    if (kind === 'blocked-transfer') this.receivedAhead -= quantity;
    this.received(seq, items, kind);
  }

  /**
   * Decided holds whose units are still in blocked stock: a release (or a rework once its confirmation stands) moves
   * them to unrestricted (343), a scrap withdraws them for scrapping (555).
   */
  get pendingBlockedMoves(): QualityHold[] {
    return this.qualityHolds.filter((h) => h.blockedStock && h.blockedStock.received > 0 && h.blockedStock.settled === null &&
      (h.disposition === 'scrap' || this.isGoodAgain(h)));
  }

  /**
   * The hold's blocked units left blocked stock (posting `seq`): released ones are in stock before their confirmation
   * (`receivedAhead`), so its goods receipt leaves them out; scrapped ones are gone.
   */
  settledBlocked(hold: QualityHold, seq: number, items: StandingPosting['items']): void {
    const scrapped = hold.disposition === 'scrap';
    hold.blockedStock!.settled = scrapped ? 'scrapped' : 'released';
    if (!scrapped) this.receivedAhead += hold.blockedStock!.received;
    this.standing.push({ kind: scrapped ? 'blocked-scrap' : 'blocked-release', seq, items, yieldQty: 0, scrapQty: 0 });
  }

  /** The open hold a disposition decides; throws for an unknown or already decided one. */
  checkDisposition(holdId: number, decision?: 'release' | 'scrap' | 'rework', reworkOperation?: string): QualityHold {
    const hold = this.qualityHolds.find((h) => h.id === holdId);
    if (!hold) throw new Error(`no quality hold ${holdId} on this order`);
    if (hold.disposition !== null) throw new Error(`quality hold ${holdId} was already decided: ${hold.disposition}`);
    if (decision === 'rework') {
      if (!reworkOperation) throw new Error('reworkOperation: a rework names the operation it is confirmed on, like 0900');
      if (reworkOperation === this.release.operation) throw new Error(`reworkOperation: ${reworkOperation} is the order's own operation; a rework is confirmed on another`);
      if (!this.isOpen) throw new Error(`order is ${this.phase}: a rework is confirmed while the order runs`);
    }
    return hold;
  }

  /**
   * The person's decision on a hold: released units are good again, scrapped ones move from good to scrap. An
   * automatic hold's excursion ends with it: units made later are not in it, the next out-of-spec value holds anew.
   */
  dispose(holdId: number, decision: 'release' | 'scrap' | 'rework', by?: Pick<QualityDisposition, 'requestedBy' | 'reasonCode' | 'reworkOperation'>): void {
    const hold = this.checkDisposition(holdId, decision, by?.reworkOperation);
    hold.disposition = decision;
    if (decision === 'rework') {
      hold.reworkOperation = by!.reworkOperation;
      hold.reworkConfirmation = null;
      hold.decidedBy = by?.requestedBy;
    }
    if (hold.characteristic !== undefined) {
      hold.open = false;
      hold.decidedBy = by?.requestedBy;
      if (decision === 'scrap') hold.reasonCode = by?.reasonCode ?? hold.characteristic;
      this.quality?.decided(holdId);
    } else if (by?.reasonCode !== undefined && decision === 'scrap') hold.reasonCode = by.reasonCode;
    if (decision === 'scrap') {
      this.good -= hold.quantity;
      this.scrap += hold.quantity;
    }
  }

  /** Holds whose quality notification is not yet in the ERP. */
  get unnotifiedHolds(): QualityHold[] {
    // An automatic hold with nothing in it yet waits for its first units: the notification names a quantity.
    return this.qualityHolds.filter((h) => h.notification === null && h.quantity > 0);
  }

  notified(hold: QualityHold, document: string): void {
    hold.notification = document;
  }

  // Postings: a refusal waits for a person; the confirmation being posted is reserved; the order closes.

  /** A refusal waits for a person: the order shows the exception; returns the phase to go back to on their retry. */
  park(message: string): WorkOrderPhase {
    const resume = this.phase;
    this.exception = message;
    this.phase = 'exception';
    // Reset before the workflow publishes: a person may answer while the read model is being written.
    this.retryRequested = false;
    return resume;
  }

  requestRetry(): void {
    this.retryRequested = true;
  }

  unpark(resume: WorkOrderPhase): void {
    this.phase = resume;
  }

  /** The ERP took a step: no exception stands. */
  accepted(): void {
    this.exception = null;
  }

  /** Reserves the yield of the confirmation about to be posted: a hold arriving meanwhile can only take units outside it. */
  reserveConfirmation(): { yieldQty: number; scrapQty: number } {
    // Held units stay out until a person decides; scrapped ones come back as scrap.
    const yieldQty = this.confirmable;
    this.postingYield = yieldQty;
    return { yieldQty, scrapQty: this.scrap - this.confirmedScrap };
  }

  /** The order closes as cancelling/cancelled or confirming/confirmed; from here on new counts are late counts. */
  closeAs(phase: 'cancelling' | 'cancelled' | 'confirming' | 'confirmed' | 'closed'): void {
    this.closing = true;
    this.phase = phase;
  }

  carry(): WorkOrderCarry {
    return {
      phase: this.phase,
      good: this.good,
      scrap: this.scrap,
      eventsApplied: this.eventsApplied,
      duplicatesDropped: this.duplicatesDropped,
      seenIds: this.seenIds(),
      ...(this.highWater.carry() ? { highWater: this.highWater.carry() } : {}), // only once a delta came: older carries keep their shape
      completion: this.completion,
      confirmedGood: this.confirmedGood,
      confirmedScrap: this.confirmedScrap,
      nextPostingSeq: this.nextPostingSeq,
      context: this.context,
      held: this.held,
      standing: this.standing,
      standingComplete: this.standingComplete,
      ...(this.receivedAhead ? { receivedAhead: this.receivedAhead } : {}),
      qualityHolds: this.qualityHolds,
      ...(this.erpClosed ? { erpClosed: this.erpClosed } : {}),
      ...(this.quality ? { quality: this.quality.carry() } : {}),
    };
  }

  /** One line for the Web UI's "Current Details": what the order is doing or waiting for. */
  describe(): string {
    return describeOrder(this);
  }

  status(): WorkOrderStatus {
    return orderStatus(this);
  }
}
