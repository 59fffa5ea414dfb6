import { bigint, index, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Event ids the signal bridge has taken, written in the same transaction as the outbox rows their deltas went to,
 * so a redelivered message finds its ids here and adds nothing. Bounded: ids older than the retention window
 * (db/event-outbox.ts, `pruneSeenEvents`) are deleted.
 */
export const seenEvents = pgTable(
  'seen_events',
  {
    eventId: text('event_id').primaryKey(),
    seenAt: timestamp('seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('seen_events_seen_at').on(t.seenAt)],
);

/**
 * The last outbox sequence number given to each target workflow. Bumped with `... on conflict do update ...
 * returning` inside the bridge's transaction: the row lock serializes bridges that share the durable consumer, and
 * a rolled-back round gives its number back, so each workflow's sequence has no gaps.
 */
export const outboxHeads = pgTable('outbox_heads', {
  workflowId: text('workflow_id').primaryKey(),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull(),
});

/**
 * Per-workflow deltas not yet accepted by their workflow: one row per bridge round and target. `rangeTo` is set
 * once, on the lowest pending row, by the first relay that sends from it: every relay then sends exactly that range,
 * so racing relays send identical signals and the workflow's high-water mark drops the repeats.
 */
export const outbox = pgTable(
  'outbox',
  {
    workflowId: text('workflow_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    /** Which workflow type and how to reach it: `{ kind: 'work-order', site, line }` or `{ kind: 'shift', shift }`. */
    target: jsonb('target').notNull(),
    delta: jsonb('delta').notNull(),
    rangeTo: bigint('range_to', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workflowId, t.seq] })],
);
