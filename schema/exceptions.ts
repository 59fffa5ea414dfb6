import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * One record per cause that needs a person (contracts/messages/exception.ts), written by the exception inbox from
 * OPS_EXCEPTIONS. At most one record of a cause is not resolved (the partial unique index): a repeat while it is
 * open counts (`repeatCount`) instead of opening another. `state`: open -> acknowledged -> resolved.
 */
export const exceptionRecords = pgTable(
  'exception_records',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    causeKey: text('cause_key').notNull(),
    kind: text('kind').notNull(),
    severity: text('severity').notNull(),
    siteCode: text('site_code').notNull(),
    lineCode: text('line_code'),
    erpOrderId: text('erp_order_id'),
    /** The workflow the exception blocks. */
    workflowId: text('workflow_id'),
    stage: text('stage').notNull(),
    reason: text('reason').notNull(),
    evidence: jsonb('evidence').notNull(),
    actions: jsonb('actions').$type<string[]>().notNull(),
    state: text('state').notNull().default('open'),
    repeatCount: integer('repeat_count').notNull().default(1),
    lastOccurrence: text('last_occurrence').notNull(),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    acknowledgedBy: text('acknowledged_by'),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    assignedTo: text('assigned_to'),
    resolvedBy: text('resolved_by'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    /** `{ action, reason?, ... }`: how it was resolved. */
    resolution: jsonb('resolution'),
    /** The routing level last notified (0: the first). */
    escalationLevel: integer('escalation_level').notNull().default(0),
  },
  (t) => [
    uniqueIndex('exception_records_open_cause').on(t.causeKey).where(sql`state <> 'resolved'`),
    index('exception_records_place').on(t.siteCode, t.lineCode, t.state),
  ],
);

/**
 * The idempotency guard of notifications: one row per record, level and target, written before the send and marked
 * `sent` after it. A retried activity skips a target marked sent; one whose send may have happened (row `sending`,
 * the process died) is sent again with the same idempotency key (webhook header, e-mail Message-ID).
 */
export const exceptionNotifications = pgTable(
  'exception_notifications',
  {
    recordId: bigint('record_id', { mode: 'number' }).notNull(),
    level: integer('level').notNull(),
    targetKey: text('target_key').notNull(),
    channel: text('channel').notNull(),
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(1),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.recordId, t.level, t.targetKey] })],
);
