import { bigint, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Production no work order could take (before release, after completion, unknown machine). Nothing is dropped: a
 * planner sees it here and assigns it to an order later; the event ids keep that assignment exactly-once.
 */
export const unassignedProduction = pgTable(
  'unassigned_production',
  {
    eventId: text('event_id').primaryKey(),
    siteCode: text('site_code').notNull(),
    lineCode: text('line_code').notNull(),
    machineCode: text('machine_code').notNull(),
    sourceTime: timestamp('source_time', { withTimezone: true }).notNull(),
    /** bigint: a counter event's delta may be any whole number up to 2^53 - 1 (contracts/messages/machine-event.ts). */
    good: bigint('good', { mode: 'number' }).notNull(),
    scrap: bigint('scrap', { mode: 'number' }).notNull(),
    reason: text('reason').notNull(),
    status: text('status').notNull().default('open'),
    assignedTo: text('assigned_to'),
    assignedBy: text('assigned_by'),
    assignedAt: timestamp('assigned_at', { withTimezone: true }),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('unassigned_production_open').on(t.siteCode, t.lineCode, t.status)],
);
