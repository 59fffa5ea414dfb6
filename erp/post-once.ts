import type { ErpAdapter, ErpDocument, PostingKind } from '../contracts/erp-port.js';

export interface PostOnceResult extends ErpDocument {
  /** True when an earlier attempt had already committed and this call only found its document. */
  replayed: boolean;
}

/**
 * Exactly-once toward the ERP: before posting, look the key up, because an earlier attempt may have committed and
 * lost its reply. Attempts of one posting never overlap (Temporal starts the next after the previous failed or timed
 * out, and every ERP call of an attempt ends before its timeout: erp/attempt-deadline.ts), so look-up-then-post cannot
 * race itself.
 */
export async function postOnce(
  erp: Pick<ErpAdapter, 'findPostings'>,
  postingKey: string,
  post: () => Promise<ErpDocument>,
  /** Where the ERP keeps documents of this kind, so the look-up asks only there; all places when absent. */
  kind?: PostingKind,
): Promise<PostOnceResult> {
  const [existing] = await erp.findPostings(postingKey, kind);
  if (existing) return { ...existing, replayed: true };
  return { ...(await post()), replayed: false };
}
