import { ApplicationFailure, log } from '@temporalio/activity';
import { eq, sql } from 'drizzle-orm';
import type { ConfirmationRequest } from '../contracts/messages/erp-sim.js';
import { postingKey } from '../contracts/ids.js';
import type { Db } from '../db/client.js';
import { postOnce, type PostOnceResult } from '../erp/post-once.js';
import { ErpRejected, type ErpAdapter } from '../erp/port.js';
import { erpPostings } from '../schema/index.js';

export interface ConfirmationPostingInput extends Omit<ConfirmationRequest, 'postingKey'> {
  workflowId: string;
  /** From workflow state: the same posting always gets the same key, whatever the attempt or run. */
  postingSeq: number;
}

export function createErpPostingActivities(deps: { erp: ErpAdapter; db: Db }) {
  const { erp, db } = deps;

  async function recordAttempt(workflowId: string, postingSeq: number, key: string, request: ConfirmationRequest) {
    await db
      .insert(erpPostings)
      .values({ workflowId, postingSeq, postingKey: key, kind: 'confirmation', status: 'pending', request, attempts: 1 })
      .onConflictDoUpdate({
        target: [erpPostings.workflowId, erpPostings.postingSeq],
        set: { attempts: sql`${erpPostings.attempts} + 1` },
      });
  }

  return {
    /** Posts a production confirmation exactly once: MES ledger row first, ERP look-up before any (re)post. */
    async postConfirmation(input: ConfirmationPostingInput): Promise<PostOnceResult> {
      const { workflowId, postingSeq, ...fields } = input;
      const key = postingKey(workflowId, postingSeq);
      const request: ConfirmationRequest = { postingKey: key, ...fields };
      await recordAttempt(workflowId, postingSeq, key, request);
      try {
        const result = await postOnce(erp, key, () => erp.postConfirmation(request));
        await db
          .update(erpPostings)
          .set({ status: 'posted', erpDocument: result.document, postedAt: new Date(), lastError: null })
          .where(eq(erpPostings.postingKey, key));
        log.info('confirmation posted', { postingKey: key, document: result.document, replayed: result.replayed });
        return result;
      } catch (err) {
        const message = (err as Error).message;
        await db.update(erpPostings).set({ lastError: message.slice(0, 1000) }).where(eq(erpPostings.postingKey, key));
        if (err instanceof ErpRejected) throw ApplicationFailure.nonRetryable(message, 'ErpRejected');
        throw err;
      }
    },
  };
}
