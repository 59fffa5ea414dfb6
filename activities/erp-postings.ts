import { ApplicationFailure, log } from '@temporalio/activity';
import { and, eq, sql } from 'drizzle-orm';
import type {
  ConfirmationRequest,
  DowntimeRequest,
  GoodsMovementItem,
  GoodsMovementRequest,
  PostingKind,
  QualityNotificationRequest,
} from '../contracts/messages/erp-sim.js';
import { postingKey } from '../contracts/ids.js';
import type { Db } from '../db/client.js';
import { postOnce, type PostOnceResult } from '../erp/post-once.js';
import { ErpRejected, type ErpAdapter, type ErpDocument } from '../erp/port.js';
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
}

export interface GoodsIssueReversalInput extends GoodsMovementPostingInput {
  /** The 261 this reverses; nothing is posted when that key never reached the ERP. */
  goodsIssueSeq: number;
}

/** A quality notification: what the ERP needs (contracts/messages/erp-sim.ts) plus where in the workflow it comes from. */
export interface QualityNotificationInput extends Omit<QualityNotificationRequest, 'postingKey'>, PostingAddress {}

/** One downtime interval of one machine, charged to its line's cost center. */
export interface DowntimePostingInput extends Omit<DowntimeRequest, 'postingKey'>, PostingAddress {}

export function createErpPostingActivities(deps: { erp: ErpAdapter; db: Db }) {
  const { erp, db } = deps;

  /**
   * The one way to post: MES ledger row `pending` first, ERP look-up before any (re)post, `posted` with the document
   * after. A business refusal becomes a non-retryable `ErpRejected` with the ERP's words; anything else is retried.
   */
  async function postRecorded(
    at: PostingAddress,
    kind: string,
    request: ConfirmationRequest | GoodsMovementRequest | QualityNotificationRequest | DowntimeRequest,
    post: () => Promise<ErpDocument>,
    /** Where the ERP keeps this kind, so a re-post's look-up asks only there (SAP: one service); everywhere if absent. */
    erpKind?: PostingKind,
  ): Promise<PostOnceResult> {
    const key = request.postingKey;
    const [row] = await db
      .insert(erpPostings)
      .values({ workflowId: at.workflowId, postingSeq: at.postingSeq, postingKey: key, kind, status: 'pending', request, attempts: 1 })
      .onConflictDoUpdate({ target: [erpPostings.workflowId, erpPostings.postingSeq], set: { attempts: sql`${erpPostings.attempts} + 1` } })
      .returning({ attempts: erpPostings.attempts });
    try {
      // The ledger row is written before any post, so attempts = 1 means no one ever sent this key: nothing can have
      // committed, and the look-up (one more ERP round trip, 50 ms and more on a real ERP) is skipped. Every later
      // attempt, whatever activity or worker makes it, looks up first.
      const result = row!.attempts > 1 ? await postOnce(erp, key, post, erpKind) : { ...(await post()), replayed: false };
      await db
        .update(erpPostings)
        .set({ status: 'posted', erpDocument: result.document, postedAt: new Date(), lastError: null })
        .where(eq(erpPostings.postingKey, key));
      log.info('ERP posting done', { postingKey: key, kind, document: result.document, replayed: result.replayed });
      return result;
    } catch (err) {
      const message = (err as Error).message;
      await db.update(erpPostings).set({ lastError: message.slice(0, 1000) }).where(eq(erpPostings.postingKey, key));
      if (err instanceof ErpRejected) {
        await db.update(erpPostings).set({ status: 'rejected' }).where(eq(erpPostings.postingKey, key));
        throw ApplicationFailure.nonRetryable(message, 'ErpRejected');
      }
      throw err;
    }
  }

  const movement = (input: GoodsMovementPostingInput, movementType: GoodsMovementRequest['movementType']): GoodsMovementRequest => ({
    postingKey: postingKey(input.workflowId, input.postingSeq),
    erpOrderId: input.erpOrderId,
    movementType,
    items: input.items,
    ...(input.plant ? { plant: input.plant } : {}),
    ...(input.storageLocation ? { storageLocation: input.storageLocation } : {}),
  });

  return {
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
      if (check) {
        const violations = confirmationViolations({ ...check, yieldQty: fields.yieldQty, scrapQty: fields.scrapQty, unit: fields.unit });
        if (violations.length > 0)
          throw ApplicationFailure.nonRetryable(`confirmation of order ${fields.erpOrderId} refused: ${violations.join('; ')}`, 'BusinessRuleViolation');
      }
      const request: ConfirmationRequest = { postingKey: postingKey(workflowId, postingSeq), ...fields };
      return postRecorded(input, 'confirmation', request, () => erp.postConfirmation(request), 'confirmation');
    },

    /** Backflush: 261 goods issue of the components to the order. */
    async postGoodsIssue(input: GoodsMovementPostingInput): Promise<PostOnceResult> {
      const request = movement(input, '261');
      return postRecorded(input, 'goods-issue', request, () => erp.postGoodsMovement(request), 'goods-movement');
    },

    /** Goods receipt (101) of the finished quantity from the order. */
    async postGoodsReceipt(input: GoodsMovementPostingInput): Promise<PostOnceResult> {
      const request = movement(input, '101');
      return postRecorded(input, 'goods-receipt', request, () => erp.postGoodsMovement(request), 'goods-movement');
    },

    /**
     * Compensation of a backflush: 262 with the 261's items, under its own key. Asks the ERP (not our ledger) whether
     * the 261 landed: a goods issue that never reached the ERP needs no reversal, and returns null.
     */
    async reverseGoodsIssue(input: GoodsIssueReversalInput): Promise<PostOnceResult | null> {
      const issueKey = postingKey(input.workflowId, input.goodsIssueSeq);
      const [issued] = await erp.findPostings(issueKey, 'goods-movement');
      if (!issued) {
        log.info('goods issue never landed: nothing to reverse', { postingKey: issueKey });
        return null;
      }
      const request = movement(input, '262');
      const result = await postRecorded(input, 'goods-issue-reversal', request, () => erp.postGoodsMovement(request), 'goods-movement');
      await db
        .update(erpPostings)
        .set({ status: 'reversed' })
        .where(and(eq(erpPostings.workflowId, input.workflowId), eq(erpPostings.postingSeq, input.goodsIssueSeq)));
      return result;
    },
  };
}
