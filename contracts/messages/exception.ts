import { z } from 'zod';
import { Token } from '../tokens.js';

/**
 * What needs a person (issue 14 item 1). `run-rule-warning` is produced by the run rules (another component); the
 * inbox only needs to know the kind.
 */
export const ExceptionKind = z.enum([
  'erp-rejection', // the ERP refused a posting on business grounds: the order is parked until retried
  'compensation-refused', // the ERP refused a reversal (262/102) or cancellation: what was posted stands
  'validation-failure', // a message the contract refused, or parked because it can never be applied
  'unassigned-production', // counts no order took (no active order, order completed)
  'unknown-machine', // counts from a machine the plant model does not know
  'counter-hold', // an implausible counter jump the edge refused to count
  'quality-hold', // units held for quality, waiting for a disposition
  'run-rule-warning', // a run rule's warning (the run-rule checker)
  'hold-overdue', // a counter hold undecided past its limit
  'erp-wait-overdue', // an order waiting for the ERP longer than its limit
]);
export type ExceptionKind = z.infer<typeof ExceptionKind>;

export const ExceptionSeverity = z.enum(['info', 'warning', 'critical']);
export type ExceptionSeverity = z.infer<typeof ExceptionSeverity>;

/** What resolves an exception; which of them an exception offers depends on its kind (docs/exceptions.md). */
export const ExceptionAction = z.enum(['retry', 'skip', 'assign', 'accept', 'escalate']);
export type ExceptionAction = z.infer<typeof ExceptionAction>;

/**
 * One exception on `ops.<site>.exception.<stage>` (OPS_EXCEPTIONS), as every producer publishes it and the inbox
 * (services/exceptions/inbox.ts) consumes it. `causeKey` names the cause: messages with the same key while a record is
 * open are repeats of it (counted, not notified again). `occurrence` names this occurrence: the same occurrence sent
 * again (a periodic check that finds the same rejected posting) is neither a repeat nor, once resolved, a new record.
 * Loose: fields of the stream's earlier bodies (`unassigned`, `hold`, `payload`, `subject`, `refusal`, `release`)
 * travel alongside for readers that predate the inbox.
 */
export const ExceptionMessage = z.looseObject({
  kind: ExceptionKind,
  severity: ExceptionSeverity,
  site: Token,
  line: Token.nullable(),
  erpOrderId: z.string().max(64).nullable(),
  /** The workflow the exception blocks (a work order's id), null when none waits for it. */
  workflowId: z.string().max(200).nullable(),
  /** The component that saw it: `signal-bridge`, `erp-listener`, `exception-check`, ... (also the subject's last token). */
  stage: Token,
  causeKey: z.string().min(1).max(300),
  occurrence: z.string().min(1).max(300),
  /** One sentence for a person (the ERP's words, the raw values in short). */
  reason: z.string().min(1).max(4000),
  /** The raw facts: the ERP's message, readings, event ids, the parked payload. */
  evidence: z.record(z.string(), z.unknown()),
  actions: z.array(ExceptionAction),
  occurredAt: z.iso.datetime({ offset: true }),
});
export type ExceptionMessage = z.infer<typeof ExceptionMessage>;

/** States of an exception record: `open` -> `acknowledged` (a person has it) -> `resolved`. */
export const ExceptionState = z.enum(['open', 'acknowledged', 'resolved']);
export type ExceptionState = z.infer<typeof ExceptionState>;

/** An exception record as the API returns it (GET /exceptions, the actions' answers) and notifications carry it. */
export const ExceptionView = z.object({
  id: z.number().int().positive(),
  kind: ExceptionKind,
  severity: ExceptionSeverity,
  state: ExceptionState,
  site: z.string(),
  line: z.string().nullable(),
  erpOrderId: z.string().nullable(),
  workflowId: z.string().nullable(),
  stage: z.string(),
  causeKey: z.string(),
  reason: z.string(),
  evidence: z.record(z.string(), z.unknown()),
  actions: z.array(ExceptionAction),
  repeatCount: z.number().int().positive(),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
  acknowledgedBy: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  assignedTo: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  resolution: z.record(z.string(), z.unknown()).nullable(),
  escalationLevel: z.number().int().nonnegative(),
});
export type ExceptionView = z.infer<typeof ExceptionView>;

/** The andon board of a line (`mes.<site>.<line>.andon`), or of the site (`mes.<site>.site.andon`) for one without a line. */
export const andonSubject = (site: string, line: string | null) => `mes.${site}.${line ?? 'site'}.andon`;
