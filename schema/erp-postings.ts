import { integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * MES-side ledger of every ERP posting: written `pending` before the call and `posted` with the ERP document
 * after, so a person can reconcile MES and ERP row by row.
 */
export const erpPostings = pgTable(
  'erp_postings',
  {
    workflowId: text('workflow_id').notNull(),
    postingSeq: integer('posting_seq').notNull(),
    postingKey: text('posting_key').notNull(),
    kind: text('kind').notNull(),
    status: text('status').notNull(),
    request: jsonb('request').notNull(),
    erpDocument: text('erp_document'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    postedAt: timestamp('posted_at', { withTimezone: true }),
    /**
     * When an attempt last sent this posting, and when that post ended on our side without a definite answer
     * (timeout, lost connection). The ERP may still commit it within its commit window after that end, so the next
     * attempt looks the key up only then (erp/post-once.ts). Null: no post whose outcome is open.
     */
    postSentAt: timestamp('post_sent_at', { withTimezone: true }),
    postEndedAt: timestamp('post_ended_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.workflowId, t.postingSeq] }), uniqueIndex('erp_postings_key').on(t.postingKey)],
);
