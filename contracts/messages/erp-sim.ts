import { z } from 'zod';
import { GoodsMovementItem, PostingKind } from '../erp-port.js';
import { DecimalString } from '../tokens.js';

/**
 * The built-in ERP simulator's own HTTP API, shared by the simulator (server) and the REST adapter (client). Its
 * request bodies are the port's requests (contracts/erp-port.ts); what is the simulator's own is its answer, a
 * `Posting` (one ledger row), and the `FaultPlan` it is driven with.
 */

/** One document in the simulator's ledger, as its API answers every post and every look-up. */
export const Posting = z.object({
  document: z.string(),
  postingKey: z.string(),
  kind: PostingKind,
  /** Null for documents that belong to no order (downtime, a notification without order). */
  erpOrderId: z.string().nullable(),
  yieldQty: DecimalString.nullable(),
  scrapQty: DecimalString.nullable(),
  movementType: z.string().nullable(),
  isFinal: z.boolean().nullable(),
  // Additive: older simulators do not send the items of a goods movement.
  items: z.array(GoodsMovementItem).nullable().optional(),
  // Additive, for quality notifications and downtime; older simulators do not send them.
  material: z.string().nullable().optional(),
  plant: z.string().nullable().optional(),
  quantity: DecimalString.nullable().optional(),
  unit: z.string().nullable().optional(),
  /** The defect text of a notification, or the machine state of a downtime. */
  reason: z.string().nullable().optional(),
  reportedBy: z.string().nullable().optional(),
  line: z.string().nullable().optional(),
  costCenter: z.string().nullable().optional(),
  machine: z.string().nullable().optional(),
  startedAt: z.string().nullable().optional(),
  endedAt: z.string().nullable().optional(),
  durationMin: DecimalString.nullable().optional(),
  postedAt: z.string(),
  // Additive: older simulators cannot cancel, so their documents never are.
  cancelled: z.boolean().optional(),
});
export type Posting = z.infer<typeof Posting>;

export const PostingList = z.object({ postings: z.array(Posting) });
export type PostingList = z.infer<typeof PostingList>;

export const FaultPlan = z.object({
  errorRate: z.number().min(0).max(1).default(0),
  replyLossRate: z.number().min(0).max(1).default(0),
  latencyMs: z.number().int().min(0).max(60_000).default(0),
  outage: z.boolean().default(false),
  /**
   * Of the posts that neither fail nor lose their reply: the share the ERP commits late, `lateCommitMs` after it
   * received them, as a real ERP under load does after the client gave up (its work process runs on). The reply goes
   * out after the commit, to a client that may be gone. 0 (the default) draws no random number, so a seeded plan
   * without late commits decides as it always did.
   */
  lateCommitRate: z.number().min(0).max(1).default(0),
  /** Milliseconds between receiving a late-committed post and committing it. */
  lateCommitMs: z.number().int().min(0).max(120_000).default(3_000),
  seed: z.number().int().optional(),
  /** Orders whose confirmations the ERP refuses on business grounds (a forced permanent rejection, for tests). */
  rejectOrders: z.array(z.string()).default([]),
  /** Materials for which the ERP refuses quality notifications (a forced permanent rejection, for tests). */
  rejectMaterials: z.array(z.string()).default([]),
});
export type FaultPlan = z.infer<typeof FaultPlan>;

