import { setTimeout as sleep } from 'node:timers/promises';
import { ErpUnavailable, type ErpAdapter, type ErpDocument, type PostingKind } from '../contracts/erp-port.js';
import { attemptTimeLeft } from './attempt-deadline.js';

export interface PostOnceResult extends ErpDocument {
  /** True when an earlier attempt had already committed and this call only found its document. */
  replayed: boolean;
}

/**
 * Exactly-once toward the ERP: before posting, look the key up, because an earlier attempt may have committed and
 * lost its reply. Attempts of one posting never overlap (Temporal starts the next after the previous failed or timed
 * out, and every ERP call of an attempt ends before its timeout: erp/attempt-deadline.ts), so look-up-then-post cannot
 * race itself on our side.
 *
 * The ERP's side can: a request the ERP received runs on after we hung up and may commit seconds later (a late
 * commit). A look-up before that commit finds nothing and the retry posts a second document. So the look-up waits
 * until `settledAt` (`settleTime`: the end of the earlier attempt's post plus the ERP's commit window), after which
 * no earlier request of this key can still commit and the look-up's answer is final.
 */
export async function postOnce(
  erp: Pick<ErpAdapter, 'findPostings'>,
  postingKey: string,
  post: () => Promise<ErpDocument>,
  /** Where the ERP keeps documents of this kind, so the look-up asks only there; all places when absent. */
  kind?: PostingKind,
  /** Epoch ms before which an earlier attempt's post may still commit; the look-up waits for it. */
  settledAt = 0,
): Promise<PostOnceResult> {
  await untilSettled(postingKey, settledAt);
  const [existing] = await erp.findPostings(postingKey, kind);
  if (existing) return { ...existing, replayed: true };
  return { ...(await post()), replayed: false };
}

/**
 * When the outcome of an earlier post of a key is final: `commitWindowMs` after that post ended on our side
 * (`postEndedAt`); 0 when no earlier post is open (`postSentAt` null) or the ERP commits before it answers.
 */
export function settleTime(post: { postSentAt: Date | null; postEndedAt: Date | null }, commitWindowMs: number): number {
  if (!post.postSentAt || !post.postEndedAt || commitWindowMs <= 0) return 0;
  return post.postEndedAt.getTime() + commitWindowMs;
}

/**
 * Waits until `settledAt`; when that is beyond the current attempt's deadline, fails at once as `ErpUnavailable`
 * (retried with backoff) rather than sleep into the timeout: a later attempt waits the rest.
 */
export async function untilSettled(postingKey: string, settledAt: number): Promise<void> {
  const wait = settledAt - Date.now();
  if (wait <= 0) return;
  if (wait > attemptTimeLeft() - 1_000)
    throw new ErpUnavailable(`${postingKey}: an earlier post may still commit until ${new Date(settledAt).toISOString()}; looking it up after that`);
  await sleep(wait);
}
