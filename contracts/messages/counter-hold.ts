import { z } from 'zod';
import { Token } from '../tokens.js';
import { CounterExplanation, CounterHoldReason, CounterKind, CounterReadingRecord, WholeCount } from './machine-event.js';

/**
 * A counter hold as the engine keeps it (the edge's `hold` event, issue 11 item 4) and as the planner API shows it:
 * `held` until a person decides; `accepted` counted its delta exactly once toward `countedTo`; `rejected` counted
 * nothing and says why.
 */
export const CounterHoldStatus = z.enum(['held', 'accepted', 'rejected']);
export type CounterHoldStatus = z.infer<typeof CounterHoldStatus>;

export const CounterHoldView = z.object({
  eventId: z.string(),
  site: z.string(),
  line: z.string(),
  machine: z.string(),
  tag: z.string(),
  counter: CounterKind,
  reason: CounterHoldReason,
  /** Pieces the readings would mean; `limit` the most the machine could make in `elapsedMs` (null for a drop). */
  delta: z.number().int(),
  limit: z.number().int().nullable(),
  elapsedMs: z.number().int(),
  raw: z.number(),
  readings: z.array(CounterReadingRecord),
  /** The explanations the edge could not choose between, each a kind and its pieces; null when it sent none. */
  explanations: z.array(CounterExplanation).nullable(),
  sourceTime: z.string(),
  /** Whether the machine was one of its line's counting points: only then can an accepted delta reach an order. */
  countingPoint: z.boolean(),
  /** The order the bridge gave the line's counts when the hold arrived; null when none was active. */
  order: z.object({ workflowId: z.string(), erpOrderId: z.string() }).nullable(),
  status: CounterHoldStatus,
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  /** The rejection's reason, or the note given with an acceptance. */
  decisionReason: z.string().nullable(),
  /** The pieces the acceptance counted: `delta`, or the quantity the person corrected it to; null unless accepted. */
  acceptedQuantity: z.number().int().nullable(),
  /**
   * Where an accepted delta went: the order's workflow id (through the outbox, so a closed order passes it on to
   * unassigned production), `unassigned` (no order was active), or `machine` (machine-level counts only: not a
   * counting point, or a `total` counter).
   */
  countedTo: z.string().nullable(),
  recordedAt: z.string(),
});
export type CounterHoldView = z.infer<typeof CounterHoldView>;

/** `GET /production/holds`: a site's holds, newest first, by status (default `held`) and line. */
export const CounterHoldQuery = z.object({
  site: Token,
  line: Token.optional(),
  status: CounterHoldStatus.default('held'),
  limit: z.coerce.number().int().min(1).max(1_000).default(200),
});
export type CounterHoldQuery = z.infer<typeof CounterHoldQuery>;

const text = (what: string) => z.string().trim().min(1, `required: ${what}`).max(500, 'at most 500 characters');

/**
 * Body of `POST /production/holds/:eventId/accept`: an optional note kept with the decision, and an optional corrected
 * `quantity` (pieces, 0 up to the hold's delta or its largest explanation) counted instead of the whole delta. A UInt32 counter read once as
 * 0xFFFFFFFF between 45000 and 45003 holds a delta of 4294922295; the person who counted the pallet posts 3, neither
 * losing them nor posting the phantom pieces. The bound by the delta is checked against the hold (db/counter-hold-decisions.ts).
 */
export const AcceptHoldBody = z.object({
  note: text('a note, or leave the field out').optional(),
  quantity: WholeCount.optional(),
});
export type AcceptHoldBody = z.infer<typeof AcceptHoldBody>;

/** Body of `POST /production/holds/:eventId/reject`: why the readings are not production, kept with the decision. */
export const RejectHoldBody = z.object({ reason: text('why the readings are not production') });
export type RejectHoldBody = z.infer<typeof RejectHoldBody>;
