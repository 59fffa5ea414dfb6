import { isDeepStrictEqual } from 'node:util';
import { ApplicationFailure, Context, log } from '@temporalio/activity';
import { and, eq, sql } from 'drizzle-orm';
import {
  ErpRejected,
  ErpUnavailable,
  type ConfirmationRequest,
  type DowntimeRequest,
  type ErpAdapter,
  type ErpDocument,
  type GoodsMovementItem,
  type GoodsMovementRequest,
  type PostingKind,
  type QualityNotificationRequest,
} from '../contracts/erp-port.js';
import { postingKey } from '../contracts/ids.js';
import type { Db } from '../db/client.js';
import { withAttemptDeadline } from '../erp/attempt-deadline.js';
import { postOnce, settleTime, untilSettled, type PostOnceResult } from '../erp/post-once.js';
import { postInOpenPeriod, type DatedRequest } from '../erp/posting-period.js';
import { erpPostings } from '../schema/index.js';
import { confirmationViolations, type ConfirmationCheck } from './confirmation-rules.js';

/** Every posting is addressed by its workflow and a sequence from workflow state, never by runId or attempt. */
interface PostingAddress {
  workflowId: string;
  postingSeq: number;
}

export interface ConfirmationPostingInput extends Omit<ConfirmationRequest, 'postingKey'>, PostingAddress {
  /** For validation before posting; absent in callers that validated elsewhere. */
  check?: Omit<ConfirmationCheck, 'yieldQty' | 'scrapQty' | 'unit'>;
}

export interface GoodsMovementPostingInput extends PostingAddress {
  erpOrderId: string;
  items: GoodsMovementItem[];
  plant: string | null;
  storageLocation: string | null;
  /** The plant's date the workflow fixed for the movement (`YYYY-MM-DD`); the ERP's own today when absent. */
  postingDate?: string;
}

/**
 * A backflush (261) that opens a confirmation's saga: it carries the confirmation's business-rule check, run before
 * anything is posted, so a quantity the rules refuse leaves no 261 (and so needs no 262) in the ERP's books.
 */
export interface GoodsIssuePostingInput extends GoodsMovementPostingInput {
  /** The confirmation this issue belongs to, as `postConfirmation` will check it; absent: nothing is checked here. */
  check?: ConfirmationCheck;
}

export interface GoodsIssueReversalInput extends GoodsMovementPostingInput {
  /** The 261 this reverses; nothing is posted when that key never reached the ERP. */
  goodsIssueSeq: number;
}

export interface GoodsReceiptReversalInput extends GoodsMovementPostingInput {
  /** The 101 this reverses (102); nothing is posted when that key never reached the ERP. */
  goodsReceiptSeq: number;
}

/**
 * A blocked-stock movement of held units: 343 (blocked to unrestricted, a release), 344 (unrestricted to blocked: units
 * released ahead of their confirmation held again) or 555 (withdrawal for scrapping).
 */
export interface BlockedStockMoveInput extends GoodsMovementPostingInput {
  movementType: '343' | '344' | '555';
}

/** A blocked-stock posting taken back when its order is cancelled: 102 of a blocked 101, 344 of a 343, 343 of a 344, 556 of a 555. */
export interface BlockedStockReversalInput extends GoodsMovementPostingInput {
  movementType: '102' | '343' | '344' | '556';
  /** The posting this reverses; nothing is posted when that key never reached the ERP. */
  originalSeq: number;
}

export interface ConfirmationCancellationInput extends PostingAddress {
  erpOrderId: string;
  /** The confirmation to cancel, by the sequence it was posted under. */
  confirmationSeq: number;
}

/** A quality notification: what the ERP needs (contracts/erp-port.ts) plus where in the workflow it comes from. */
export interface QualityNotificationInput extends Omit<QualityNotificationRequest, 'postingKey'>, PostingAddress {}

/** One downtime interval of one machine, charged to its line's cost center. */
export interface DowntimePostingInput extends Omit<DowntimeRequest, 'postingKey'>, PostingAddress {}

/** The MES ledger's kind of each blocked-stock move. */
const BLOCKED_MOVE_KIND = { 343: 'blocked-release', 344: 'blocked-transfer', 555: 'blocked-scrap' } as const;

export function createErpPostingActivities(deps: { erp: ErpAdapter; db: Db }) {
  const { erp, db } = deps;

  /**
   * The one way to post: MES ledger row `pending` first, ERP look-up before any (re)post, `posted` with the document
   * after. A business refusal becomes a non-retryable `ErpRejected` with the ERP's words; anything else is retried.
   */
  async function postRecorded(
    at: PostingAddress,
    kind: string,
    request: ConfirmationRequest | GoodsMovementRequest | QualityNotificationRequest | DowntimeRequest | { postingKey: string; cancels: string },
    post: () => Promise<ErpDocument>,
    /**
     * Where the ERP keeps this kind, so a re-post's look-up asks only there (SAP: one service); everywhere if absent.
     * `false`: the call reads the ERP itself before it acts (a cancellation reads the confirmation): no look-up by key.
     */
    lookup?: PostingKind | false,
  ): Promise<PostOnceResult> {
    const key = request.postingKey;
    const [row] = await db
      .insert(erpPostings)
      // A first attempt posts right after this write, so the row says "sent" from the start: no second write.
      .values({ workflowId: at.workflowId, postingSeq: at.postingSeq, postingKey: key, kind, status: 'pending', request, attempts: 1, postSentAt: new Date() })
      .onConflictDoUpdate({ target: [erpPostings.workflowId, erpPostings.postingSeq], set: { attempts: sql`${erpPostings.attempts} + 1` } })
      .returning({ attempts: erpPostings.attempts, postSentAt: erpPostings.postSentAt, postEndedAt: erpPostings.postEndedAt, request: erpPostings.request, status: erpPostings.status });
    const mark = (set: Partial<typeof erpPostings.$inferInsert>) => db.update(erpPostings).set(set).where(eq(erpPostings.postingKey, key));
    // A retry sends what the first attempt sent. Other content under the same key means the workflow decided this
    // posting again after its first attempt (a local activity) ran in a task that was lost with its worker: the ERP
    // may hold the first content, and the look-up by key would return that document as if it were this one. Never
    // post or accept it; keep failing, visibly, with both requests named, until a person reconciles the order.
    // Except after the ERP refused the key (a confirmation retried by a person decides its quantity again, with what
    // was counted meanwhile): nothing stands under it, which the look-up confirms before the new content goes out.
    const refusedBefore = async () => row!.status === 'rejected' && lookup !== false && (await erp.findPostings(key, lookup)).length === 0;
    if (row!.attempts > 1 && !isDeepStrictEqual(row!.request, JSON.parse(JSON.stringify(request)))) {
      if (await refusedBefore()) {
        await mark({ request, status: 'pending' });
      } else {
        const message = `posting key ${key} was first sent with other content: first ${JSON.stringify(row!.request)}, now ${JSON.stringify(request)}; the ERP may hold the first, so neither is posted or taken (reconcile the order)`;
        await mark({ lastError: message.slice(0, 1000) });
        log.error('ERP posting key reused with other content', { postingKey: key, kind });
        throw new PostingKeyReused(message);
      }
    }
    let sent = false;
    const send = async () => {
      if (row!.attempts > 1) await mark({ postSentAt: new Date(), postEndedAt: null });
      sent = true;
      return post();
    };
    try {
      // The ledger row is written before any post, so attempts = 1 means no one ever sent this key: nothing can have
      // committed, and the look-up (one more ERP round trip, 50 ms and more on a real ERP) is skipped. Every later
      // attempt, whatever activity or worker makes it, looks up first, once an earlier post can no longer commit.
      const settledAt = row!.attempts > 1 ? await openPostSettles(row!, mark) : 0;
      let result: PostOnceResult;
      if (row!.attempts > 1 && lookup !== false) result = await postOnce(erp, key, send, lookup, settledAt);
      else {
        // A call that reads the ERP itself before it acts (a cancellation) waits for the same settling.
        await untilSettled(key, settledAt);
        result = { ...(await send()), replayed: false };
      }
      await mark({ status: 'posted', erpDocument: result.document, postedAt: new Date(), lastError: null, postSentAt: null, postEndedAt: null });
      log.info('ERP posting done', { postingKey: key, kind, document: result.document, replayed: result.replayed });
      return result;
    } catch (err) {
      const message = (err as Error).message;
      const rejected = err instanceof ErpRejected;
      // A post the ERP answered (refused, or failed before its commit) is closed; one that ended without an answer
      // may still commit within the ERP's window after now.
      const open = sent && !answered(err);
      await mark({ lastError: message.slice(0, 1000), ...(rejected ? { status: 'rejected' } : {}), ...(sent ? (open ? { postEndedAt: new Date() } : { postSentAt: null, postEndedAt: null }) : {}) });
      if (err instanceof ErpRejected || err instanceof ErpUnavailable) throw erpFailure(err);
      throw err;
    }
  }

  /**
   * When an earlier attempt's post of this row can no longer commit (`settleTime`). A post sent and never ended (its
   * worker died mid-call) counts as ending now, recorded so the next attempt counts from the same moment.
   */
  async function openPostSettles(row: { postSentAt: Date | null; postEndedAt: Date | null }, mark: (set: Partial<typeof erpPostings.$inferInsert>) => Promise<unknown>) {
    if (row.postSentAt && !row.postEndedAt) {
      const now = new Date();
      await mark({ postEndedAt: now });
      return settleTime({ postSentAt: row.postSentAt, postEndedAt: now }, erp.commitWindowMs ?? 0);
    }
    return settleTime(row, erp.commitWindowMs ?? 0);
  }

  /** Waits until an earlier posting (the original a reversal or cancellation is about) can no longer commit late. */
  async function originalSettled(workflowId: string, postingSeq: number): Promise<void> {
    const [original] = await db
      .select({ postingKey: erpPostings.postingKey, postSentAt: erpPostings.postSentAt, postEndedAt: erpPostings.postEndedAt })
      .from(erpPostings)
      .where(and(eq(erpPostings.workflowId, workflowId), eq(erpPostings.postingSeq, postingSeq)));
    if (original) await untilSettled(original.postingKey, settleTime({ ...original, postEndedAt: original.postEndedAt ?? (original.postSentAt ? new Date() : null) }, erp.commitWindowMs ?? 0));
  }

  const movement = (input: GoodsMovementPostingInput, movementType: GoodsMovementRequest['movementType']): GoodsMovementRequest => ({
    postingKey: postingKey(input.workflowId, input.postingSeq),
    erpOrderId: input.erpOrderId,
    movementType,
    items: input.items,
    ...(input.plant ? { plant: input.plant } : {}),
    ...(input.storageLocation ? { storageLocation: input.storageLocation } : {}),
    ...(input.postingDate ? { postingDate: input.postingDate } : {}),
  });

  /**
   * Sends a dated request under the closed-period policy (erp/posting-period.ts): a date in a closed period is posted
   * again in the first open one, the production's date kept as the document date, and the log says so.
   */
  const inOpenPeriod = <R extends DatedRequest & { postingKey: string }>(request: R, send: (r: R) => Promise<ErpDocument>) => () =>
    postInOpenPeriod(request, send, (moved, refusal) =>
      log.warn('posting period closed: posted in a later period', { postingKey: request.postingKey, productionDate: moved.documentDate, postingDate: moved.postingDate, erp: refusal.message }),
    Date.now(), erp.postingPeriodStarts);
  const postMovement = (request: GoodsMovementRequest) => inOpenPeriod(request, (r) => erp.postGoodsMovement(r));

  const markOriginal = (workflowId: string, postingSeq: number, status: 'reversed' | 'cancelled') =>
    db.update(erpPostings).set({ status }).where(and(eq(erpPostings.workflowId, workflowId), eq(erpPostings.postingSeq, postingSeq)));

  /**
   * The reversal movement (262 of a 261, 102 of a 101) with the original's items, under its own key. Asks the ERP (not
   * our ledger) whether the original landed: one that never reached the ERP needs no reversal, and returns null.
   */
  async function reverseMovement(input: GoodsMovementPostingInput, originalSeq: number, movementType: '262' | '102' | '343' | '344' | '556', kind: string, stockType?: 'blocked') {
    const originalKey = postingKey(input.workflowId, originalSeq);
    await originalSettled(input.workflowId, originalSeq);
    const [original] = await erp.findPostings(originalKey, 'goods-movement');
    if (!original) {
      log.info('goods movement never landed: nothing to reverse', { postingKey: originalKey, movementType });
      return null;
    }
    const request = { ...movement(input, movementType), ...(stockType ? { stockType } : {}) };
    const result = await postRecorded(input, kind, request, postMovement(request), 'goods-movement');
    await markOriginal(input.workflowId, originalSeq, 'reversed');
    return result;
  }

  return boundEachAttempt({
    /**
     * Opens a quality notification in the ERP, exactly once per (workflowId, postingSeq). A refusal (unknown material,
     * material not QM-relevant in the plant) is a non-retryable `ErpRejected` with the ERP's words.
     */
    async raiseQualityNotification(input: QualityNotificationInput): Promise<PostOnceResult> {
      const { workflowId, postingSeq, ...fields } = input;
      const request: QualityNotificationRequest = { postingKey: postingKey(workflowId, postingSeq), ...fields };
      return postRecorded(input, 'quality-notification', request, () => erp.raiseQualityNotification(request), 'quality-notification');
    },

    /** One downtime interval, exactly once per (workflowId, postingSeq); the shift posts them when it closes. */
    async postDowntime(input: DowntimePostingInput): Promise<PostOnceResult> {
      const { workflowId, postingSeq, ...fields } = input;
      const request: DowntimeRequest = { postingKey: postingKey(workflowId, postingSeq), ...fields };
      return postRecorded(input, 'downtime', request, () => erp.postDowntime(request), 'downtime');
    },

    /** A production confirmation, validated first, posted exactly once; SAP gets no goods movements with it. */
    async postConfirmation(input: ConfirmationPostingInput): Promise<PostOnceResult> {
      const { workflowId, postingSeq, check, ...fields } = input;
      if (check) refuseByRules(fields.erpOrderId, { ...check, yieldQty: fields.yieldQty, scrapQty: fields.scrapQty, unit: fields.unit });
      const request: ConfirmationRequest = { postingKey: postingKey(workflowId, postingSeq), ...fields };
      return postRecorded(input, 'confirmation', request, inOpenPeriod(request, (r) => erp.postConfirmation(r)), 'confirmation');
    },

    /**
     * Backflush: 261 goods issue of the components to the order. The confirmation's rules run first: a refused
     * quantity throws `BusinessRuleViolation` before the ledger row or the ERP sees anything.
     */
    async postGoodsIssue(input: GoodsIssuePostingInput): Promise<PostOnceResult> {
      if (input.check) refuseByRules(input.erpOrderId, input.check);
      const request = movement(input, '261');
      return postRecorded(input, 'goods-issue', request, postMovement(request), 'goods-movement');
    },

    /** Goods receipt (101) of the finished quantity from the order. */
    async postGoodsReceipt(input: GoodsMovementPostingInput): Promise<PostOnceResult> {
      const request = movement(input, '101');
      return postRecorded(input, 'goods-receipt', request, postMovement(request), 'goods-movement');
    },

    /**
     * Held units received into the ERP's blocked stock (101 with stock type blocked) ahead of their confirmation, so
     * the ERP's stock shows them and nothing can use or ship them (docs/quality.md, "Blocked stock").
     */
    async postBlockedReceipt(input: GoodsMovementPostingInput): Promise<PostOnceResult> {
      const request: GoodsMovementRequest = { ...movement(input, '101'), stockType: 'blocked' };
      return postRecorded(input, 'blocked-receipt', request, postMovement(request), 'goods-movement');
    },

    /**
     * A hold's units into or out of blocked stock: 343 to unrestricted (release, rework), 344 back from unrestricted
     * (units released ahead, held again) or 555 (scrap).
     */
    async moveBlockedStock(input: BlockedStockMoveInput): Promise<PostOnceResult> {
      const request = movement(input, input.movementType);
      return postRecorded(input, BLOCKED_MOVE_KIND[input.movementType], request, postMovement(request), 'goods-movement');
    },

    /** A cancelled order's blocked-stock posting taken back: 102 (blocked) of a 101 to blocked, 344 of a 343, 343 of a 344, 556 of a 555. */
    reverseBlockedStock: (input: BlockedStockReversalInput) =>
      reverseMovement(input, input.originalSeq, input.movementType, `blocked-reversal-${input.movementType}`, input.movementType === '102' ? 'blocked' : undefined),

    /** Compensation of a backflush, and its undoing when the order is cancelled: 262 with the 261's items. */
    reverseGoodsIssue: (input: GoodsIssueReversalInput) => reverseMovement(input, input.goodsIssueSeq, '262', 'goods-issue-reversal'),

    /** A reconciliation fix: any movement type, as a planner asked for it; no original to look for. */
    async postGoodsMovementCorrection(input: GoodsMovementPostingInput & { movementType: GoodsMovementRequest['movementType'] }): Promise<PostOnceResult> {
      const request = movement(input, input.movementType);
      return postRecorded(input, `correction-${input.movementType}`, request, postMovement(request), 'goods-movement');
    },

    /** A cancelled order's goods receipt taken back: 102 with the 101's items. */
    reverseGoodsReceipt: (input: GoodsReceiptReversalInput) => reverseMovement(input, input.goodsReceiptSeq, '102', 'goods-receipt-reversal'),

    /**
     * Cancels a confirmation in the ERP (SAP: CancelProdnOrdConf), recorded in the ledger under its own sequence. The
     * adapter reads the confirmation first and leaves one already cancelled alone, so a lost reply is harmless; null
     * when the confirmation never reached the ERP.
     */
    async cancelConfirmation(input: ConfirmationCancellationInput): Promise<PostOnceResult | null> {
      const confirmationKey = postingKey(input.workflowId, input.confirmationSeq);
      const request = { postingKey: postingKey(input.workflowId, input.postingSeq), cancels: confirmationKey };
      let missing = false;
      await originalSettled(input.workflowId, input.confirmationSeq);
      const result = await postRecorded(input, 'confirmation-cancellation', request, async () => {
        const cancelled = await erp.cancelConfirmation(confirmationKey);
        missing = cancelled === null;
        return { document: cancelled?.document ?? '-', postingKey: request.postingKey };
      }, false);
      if (missing) {
        // No document stands for this row: say so rather than leave a `posted` row without one.
        await db.update(erpPostings).set({ status: 'not-needed', erpDocument: null }).where(eq(erpPostings.postingKey, request.postingKey));
        log.info('confirmation never landed: nothing to cancel', { postingKey: confirmationKey });
        return null;
      }
      await markOriginal(input.workflowId, input.confirmationSeq, 'cancelled');
      return result;
    },
  });
}

/**
 * The confirmation's business rules (confirmation-rules.ts), as the refusal a person resolves: a non-retryable
 * `BusinessRuleViolation` naming the order and every rule broken. Nothing has been posted when it throws.
 */
function refuseByRules(erpOrderId: string, check: ConfirmationCheck): void {
  const violations = confirmationViolations(check);
  if (violations.length > 0) throw ApplicationFailure.nonRetryable(`confirmation of order ${erpOrderId} refused: ${violations.join('; ')}`, 'BusinessRuleViolation');
}

/**
 * The ERP's error as a Temporal failure of its type (`ErpRejected` not retried, `ErpUnavailable` retried), with what
 * the ERP said as details: `{ status, messageId, text }` (HTTP status, SAP's message class/number, SAP's words), so
 * the failure in Temporal and the worker's log line carry them, not only the message.
 */
function erpFailure(err: ErpRejected | ErpUnavailable): ApplicationFailure {
  const { status, messageId, text } = err;
  return ApplicationFailure.create({ message: err.message, type: err.name, nonRetryable: err instanceof ErpRejected, details: [{ status, messageId, text }] });
}

/**
 * Whether the ERP answered the post (it refused, or failed before committing), so it cannot commit later: a refusal,
 * or an outage with an HTTP status from the ERP itself. No status (timeout, lost connection) or a gateway's 502/504
 * (the gateway gave up on a backend that may still run) leave the outcome open.
 */
function answered(err: unknown): boolean {
  if (err instanceof ErpRejected) return true;
  return err instanceof ErpUnavailable && err.status !== undefined && err.status !== 502 && err.status !== 504;
}

/** Two seconds under start-to-close: the attempt's calls are over before Temporal may start the next attempt. */
const DEADLINE_MARGIN_MS = 2_000;

/**
 * Each activity's ERP calls end before its attempt times out (`erp/attempt-deadline.ts`), whether it runs as a local
 * first attempt (20 s) or a retried activity (30 s). Called outside an activity (a test), no deadline is added.
 */
function boundEachAttempt<T extends Record<string, (input: never) => Promise<unknown>>>(activities: T): T {
  const bound = Object.entries(activities).map(([name, fn]) => [name, (input: never) => {
    let budget: number | undefined;
    try {
      budget = Context.current().info.startToCloseTimeoutMs - DEADLINE_MARGIN_MS;
    } catch {
      return fn(input);
    }
    return withAttemptDeadline(Math.max(1_000, budget), () => fn(input));
  }]);
  return Object.fromEntries(bound) as T;
}

/**
 * A posting key whose recorded request differs from the one now asked for (`postRecorded`). Retryable on purpose:
 * the order stays where it is, with this failure on its pending activity, instead of parking or compensating
 * against documents the ERP may or may not hold.
 */
export class PostingKeyReused extends Error {
  override readonly name = 'PostingKeyReused';
}
