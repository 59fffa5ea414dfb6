import { ApplicationFailure, proxyActivities, proxyLocalActivities, setCurrentDetails } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { OrderContext } from '../activities/master-data.js';
import type { GoodsMovementItem } from '../contracts/erp-port.js';
import { finishedBatchOf } from '../contracts/finished-batch.js';
import { plantDate } from '../contracts/plant-date.js';
import { ERP_CALLS, ERP_FIRST_ATTEMPT, refusal } from './activity-options.js';
import { componentQuantities, cumulativeComponentQuantities } from './backflush.js';
import type { OrderGenealogy } from './genealogy.js';
import { FINAL_CONFIRMATION_SEQ, type StandingPosting, type WorkOrderState } from './work-order-state.js';

export type ErpPostings = Pick<Activities,
  'postConfirmation' | 'postGoodsIssue' | 'postGoodsReceipt' | 'reverseGoodsIssue' | 'reverseGoodsReceipt' | 'cancelConfirmation' | 'raiseQualityNotification' |
  'postBlockedReceipt' | 'moveBlockedStock' | 'reverseBlockedStock'>;
const erpRetrying = proxyActivities<ErpPostings>(ERP_CALLS);
const erpFirstAttempt = proxyLocalActivities<ErpPostings>(ERP_FIRST_ATTEMPT);
/**
 * The ERP postings of one run: regular activities, retried without a cap. `localFirst` (runs recorded between the
 * patches 'erp-local-first-attempt' and 'erp-first-attempt-scheduled', workflows/work-order.ts) replays their first
 * attempt as a local activity, then regular retries.
 */
export function erpPostings(localFirst: boolean): ErpPostings {
  const posting = <K extends keyof ErpPostings>(name: K): ErpPostings[K] => {
    const retrying = erpRetrying[name] as (input: unknown) => Promise<unknown>;
    const first = erpFirstAttempt[name] as (input: unknown) => Promise<unknown>;
    if (!localFirst) return retrying as ErpPostings[K];
    return (async (input: unknown) => {
      try {
        return await first(input);
      } catch (err) {
        if (refusal(err)) throw err;
        return await retrying(input);
      }
    }) as ErpPostings[K];
  };
  return {
    postConfirmation: posting('postConfirmation'),
    postGoodsIssue: posting('postGoodsIssue'),
    postGoodsReceipt: posting('postGoodsReceipt'),
    reverseGoodsIssue: posting('reverseGoodsIssue'),
    reverseGoodsReceipt: posting('reverseGoodsReceipt'),
    cancelConfirmation: posting('cancelConfirmation'),
    raiseQualityNotification: posting('raiseQualityNotification'),
    postBlockedReceipt: posting('postBlockedReceipt'),
    moveBlockedStock: posting('moveBlockedStock'),
    reverseBlockedStock: posting('reverseBlockedStock'),
  };
}

/** The movement that takes each blocked-stock posting back (SAP's reversal movement types). */
const BLOCKED_REVERSAL = { 'blocked-receipt': '102', 'blocked-transfer': '343', 'blocked-release': '344', 'blocked-scrap': '556' } as const;

/**
 * A work order's postings to the ERP: confirmations (a saga: backflush 261 with its 262 compensation registered
 * first, then the confirmation, then the goods receipt 101 where configured), taking them back for a cancellation, and
 * quality notifications. Each step runs until the ERP takes it; `park` waits for a person after a refusal.
 */
export class WorkOrderPostings {
  constructor(
    private readonly order: WorkOrderState,
    private readonly ctx: OrderContext,
    private readonly erp: ErpPostings,
    private readonly park: (message: string) => Promise<void>,
    /** From the patch 'backflush-cumulative', checked once at the start of the run (workflows/work-order.ts). */
    private readonly cumulative = false,
    /** From the patch 'component-batches' (workflows/work-order.ts): batches on the 261s and the order's genealogy. */
    private readonly genealogy?: OrderGenealogy,
  ) {}

  /**
   * The 261 items of a confirmation of `yieldQty` more good units: cumulative (backflush.ts) when the run started with
   * it and the order's standing postings are all known; per piece in runs recorded before, and for an order carried
   * from a run that did not keep its standing postings (what it issued is not known).
   */
  private backflush(yieldQty: number, isFinal: boolean) {
    const { order, ctx } = this;
    return this.cumulative && order.standingComplete
      ? cumulativeComponentQuantities(ctx.bom, order.confirmedGood, yieldQty, order.standing, isFinal)
      : componentQuantities(ctx.bom, yieldQty, isFinal);
  }

  /** Runs one ERP step until the ERP takes it: a refusal waits for a person's retry, then the same step again. */
  private async untilAccepted<T>(step: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        const result = await step();
        this.order.accepted();
        return result;
      } catch (err) {
        const refused = refusal(err);
        if (!refused) throw err;
        await this.park(refused.message);
      }
    }
  }

  /**
   * The plant's date now, in workflow time (the same on replay): a posting's `PostingDate`, fixed when the posting is
   * decided and passed in the activity's input, so retries after midnight keep it. Undefined for a context carried
   * from a run before time zones were read: the ERP takes its own today then.
   */
  private dated(): { postingDate?: string } {
    return this.ctx.timezone ? { postingDate: plantDate(Date.now(), this.ctx.timezone) } : {};
  }

  private get where() {
    const { order, ctx } = this;
    return { workflowId: order.workflowId, erpOrderId: order.release.erpOrderId, plant: ctx.plant, storageLocation: ctx.storageLocation };
  }

  /** Posts one confirmation of everything counted since the last one, with its backflush and goods receipt. */
  async confirm(isFinal: boolean): Promise<void> {
    const { order, ctx, erp, genealogy } = this;
    const confirmationSeq = isFinal ? FINAL_CONFIRMATION_SEQ : order.allocatePostingSeq();
    // Decided now: a person's retry after a refusal, and every activity retry, post under this same date.
    const dated = this.dated();
    const where = { ...this.where, ...dated };
    const { yieldQty, scrapQty, landed, posted } = await this.untilAccepted(async () => {
      // Reserved while it is posted: a hold arriving meanwhile can only take units outside this confirmation.
      const { yieldQty, scrapQty } = order.reserveConfirmation();
      const needed = this.backflush(yieldQty, isFinal);
      const landed: StandingPosting[] = [];
      let allocated: number | undefined;
      const check = {
        confirmedBefore: order.confirmedGood,
        plannedQuantity: order.release.quantity,
        overdeliveryTolerancePct: order.policy.overdeliveryTolerancePct,
        materialUnit: ctx.materialUnit,
        orderUnit: order.release.unit,
        countedGood: order.good,
        heldQty: order.qualityHeld,
      };
      const confirmation = { yieldQty: String(yieldQty), scrapQty: String(scrapQty), unit: order.release.unit };
      let compensate: (() => Promise<unknown>) | undefined;
      try {
        if (needed.length > 0) {
          // A retry after a refusal issues under new numbers: the old 261 key may hold a document already reversed.
          const goodsIssueSeq = order.allocatePostingSeq();
          // The component batches are chosen once, in an activity whose result is in the history (workflows/genealogy.ts).
          const items = genealogy ? await genealogy.allocate(goodsIssueSeq, needed) : needed;
          if (genealogy) allocated = goodsIssueSeq;
          landed.push({ kind: 'goods-issue', seq: goodsIssueSeq, items, yieldQty: 0, scrapQty: 0 });
          const reversalSeq = order.allocatePostingSeq();
          // Registered before the call: a 261 whose reply was lost may still have landed, and must be reversed too.
          compensate = genealogy
            ? async () => {
              const reversed = await erp.reverseGoodsIssue({ ...where, items, postingSeq: reversalSeq, goodsIssueSeq });
              await genealogy.release(goodsIssueSeq);
              return reversed;
            }
            : () => erp.reverseGoodsIssue({ ...where, items, postingSeq: reversalSeq, goodsIssueSeq });
          // The confirmation's rules run before the first posting (issue 18, item 2): a refused quantity posts no 261.
          await erp.postGoodsIssue({ ...where, items, postingSeq: goodsIssueSeq, check: { ...check, ...confirmation } }).catch((err: unknown) => {
            if (refusal(err)?.type === 'BusinessRuleViolation') compensate = undefined; // refused before anything went out
            throw err;
          });
        }
        const posted = await erp.postConfirmation({
          workflowId: order.workflowId,
          postingSeq: confirmationSeq,
          erpOrderId: order.release.erpOrderId,
          operation: order.release.operation,
          ...confirmation,
          isFinal,
          // SAP's "clear open reservations" (AFRUD-AUSOR) on the final confirmation: reservation items with nothing left
          // to issue (a short completion after partials) leave MRP without a zero-quantity 261, which SAP refuses. Only the
          // activity's input changes, not the workflow's commands: runs recorded before replay the same and set it too.
          ...(isFinal && ctx.bom.some((b) => b.reservation) ? { clearOpenReservations: true } : {}),
          ...dated,
          check,
        });
        return { yieldQty, scrapQty, landed, posted };
      } catch (err) {
        // A refused confirmation takes its backflush back first; a refused reversal waits for a person in turn.
        if (refusal(err) && compensate) await this.untilAccepted(compensate);
        // A 261 refused before anything went out: its batches were never consumed.
        else if (refusal(err) && genealogy && allocated !== undefined) await genealogy.release(allocated);
        throw err;
      } finally {
        order.endReservation();
      }
    });
    const confirmedBefore = order.confirmedGood;
    order.confirmed(confirmationSeq, yieldQty, scrapQty, landed, posted.document);
    if (genealogy && yieldQty > 0) await genealogy.recordOutput(confirmationSeq, confirmedBefore, yieldQty);
    if (!order.policy.goodsReceipt || yieldQty === 0) return;
    // Units released from blocked stock are in stock already (343): received once, not again with their confirmation.
    const receiptQty = order.receiptOf(yieldQty);
    if (receiptQty === 0) return;
    // After the confirmation stands, a refused goods receipt reverses nothing: it waits for a person, same key.
    const receiptSeq = order.allocatePostingSeq();
    const receipt = this.finished(receiptQty);
    await this.untilAccepted(() => erp.postGoodsReceipt({ ...where, items: receipt, postingSeq: receiptSeq }));
    order.received(receiptSeq, receipt);
  }

  /**
   * The order's finished material as one goods-movement item of `quantity` units; for a batch-managed material with
   * the order's finished batch (the ERP's, else finishedBatchOf), which the ERP needs on every receipt (SAP `Batch`).
   */
  private finished(quantity: number): GoodsMovementItem[] {
    const { release } = this.order;
    const batch = this.ctx.materialBatchManaged ? release.batch ?? finishedBatchOf(release.erpOrderId) : undefined;
    return [{ material: release.material, quantity: String(quantity), unit: release.unit, ...(batch ? { batch } : {}) }];
  }

  /**
   * Held units into blocked stock, each hold's new units under their own posting sequences: those in no stock yet by a
   * receipt (101 to blocked), those already in unrestricted stock (released ahead of their confirmation) by a transfer
   * (344), so no unit is received twice. A refusal waits for a person. The quantities are decided before the calls, so
   * a hold growing meanwhile is topped up later.
   */
  async receiveBlocked(): Promise<void> {
    const { order, erp } = this;
    for (const hold of order.pendingBlockedReceipts) {
      const { fresh, again } = order.blockedSources(hold);
      // A hold decided while a refused posting waited for a person needs it no more: the retry posts nothing.
      const undecided = <T>(post: () => Promise<T>) => async () => (hold.disposition === null ? post() : null);
      if (again > 0) {
        const postingSeq = order.allocatePostingSeq();
        const items = this.finished(again);
        const where = { ...this.where, ...this.dated() };
        const posted = await this.untilAccepted(undecided(() => erp.moveBlockedStock({ ...where, items, postingSeq, movementType: '344' })));
        if (posted) order.receivedBlocked(hold, again, postingSeq, items, 'blocked-transfer');
      }
      if (fresh > 0) {
        const postingSeq = order.allocatePostingSeq();
        const items = this.finished(fresh);
        const where = { ...this.where, ...this.dated() };
        const posted = await this.untilAccepted(undecided(() => erp.postBlockedReceipt({ ...where, items, postingSeq })));
        if (posted) order.receivedBlocked(hold, fresh, postingSeq, items);
      }
    }
  }

  /** Decided holds' blocked units out of blocked stock: 343 for a release or a rework, 555 for a scrap. */
  async settleBlocked(): Promise<void> {
    const { order, erp } = this;
    for (const hold of order.pendingBlockedMoves) {
      const postingSeq = order.allocatePostingSeq();
      const items = this.finished(hold.blockedStock!.received);
      const movementType = hold.disposition === 'scrap' ? '555' : '343';
      const where = { ...this.where, ...this.dated() };
      await this.untilAccepted(() => erp.moveBlockedStock({ ...where, items, postingSeq, movementType }));
      order.settledBlocked(hold, postingSeq, items);
    }
  }

  /**
   * Reworked holds, each confirmed once on its rework operation (yield: the hold's units) under its own posting
   * sequence; a refusal waits for a person. The units become good when it stands (WorkOrderState.reworked).
   */
  async confirmRework(): Promise<void> {
    const { order, erp } = this;
    for (const hold of order.pendingRework) {
      const postingSeq = order.allocatePostingSeq();
      const dated = this.dated();
      const posted = await this.untilAccepted(() => erp.postConfirmation({
        workflowId: order.workflowId, postingSeq, erpOrderId: order.release.erpOrderId, operation: hold.reworkOperation!,
        yieldQty: String(hold.quantity), scrapQty: '0', unit: order.release.unit, isFinal: false, ...dated,
      }));
      order.reworked(hold, postingSeq, posted.document);
    }
  }

  /**
   * A cancelled order's postings taken back, the last first: 102 for a receipt (from blocked stock for a blocked one),
   * 344 for a 343, 556 for a 555, cancellation for a confirmation, 262 for a backflush.
   */
  async takeBack(): Promise<void> {
    const { order, erp, genealogy } = this;
    const where = { ...this.where, ...this.dated() };
    for (let p = order.lastStanding; p; p = order.lastStanding) {
      const postingSeq = order.allocatePostingSeq();
      const standing = p;
      await this.untilAccepted(() => {
        if (standing.kind === 'goods-receipt') return erp.reverseGoodsReceipt({ ...where, items: standing.items, postingSeq, goodsReceiptSeq: standing.seq });
        const blockedReversal = BLOCKED_REVERSAL[standing.kind as keyof typeof BLOCKED_REVERSAL];
        if (blockedReversal) return erp.reverseBlockedStock({ ...where, items: standing.items, postingSeq, originalSeq: standing.seq, movementType: blockedReversal });
        if (standing.kind === 'goods-issue' && genealogy) {
          return erp.reverseGoodsIssue({ ...where, items: standing.items, postingSeq, goodsIssueSeq: standing.seq })
            .then(async (reversed) => (await genealogy.release(standing.seq), reversed));
        }
        if (standing.kind === 'goods-issue') return erp.reverseGoodsIssue({ ...where, items: standing.items, postingSeq, goodsIssueSeq: standing.seq });
        return erp.cancelConfirmation({ workflowId: order.workflowId, erpOrderId: order.release.erpOrderId, postingSeq, confirmationSeq: standing.seq });
      });
      order.tookBack();
      setCurrentDetails(order.describe());
    }
  }

  /** Quality notifications of new holds, each exactly once under its hold's sequence; a refusal waits for a person. */
  async raiseNotifications(): Promise<void> {
    const { order, ctx, erp } = this;
    for (const hold of order.unnotifiedHolds) {
      const raised = await this.untilAccepted(async () => {
        if (!ctx.plant) throw ApplicationFailure.nonRetryable(`line ${order.release.line} has no ERP plant: no quality notification can be raised`, 'BusinessRuleViolation');
        return erp.raiseQualityNotification({
          workflowId: order.workflowId, postingSeq: hold.id, erpOrderId: order.release.erpOrderId, material: order.release.material,
          plant: ctx.plant, quantity: String(hold.quantity), unit: order.release.unit, defectText: hold.defectText,
          // SAP user names are 12 characters at most.
          reportedBy: hold.requestedBy.slice(0, 12),
        });
      });
      order.notified(hold, raised.document);
    }
  }
}
