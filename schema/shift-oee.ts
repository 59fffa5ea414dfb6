import { bigint, doublePrecision, index, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { ShiftSummary } from '../contracts/messages/shift.js';

/**
 * Read model of each shift workflow (workflows/shift-oee-writer.ts): its summary with OEE, written throttled while it
 * runs and once more when it closes, so the API answers shift reports and OEE trends without asking Temporal. The
 * workflow stays the source of truth; rows exist for shifts started since the `shift-oee-read-model` patch.
 */
export const shiftOee = pgTable(
  'shift_oee',
  {
    siteCode: text('site_code').notNull(),
    lineCode: text('line_code').notNull(),
    /** Local date the shift starts on (YYYY-MM-DD) and its code: the parts of its workflow id. */
    shiftDate: text('shift_date').notNull(),
    shiftCode: text('shift_code').notNull(),
    workflowId: text('workflow_id').notNull(),
    crew: text('crew'),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    /** `running` while the shift takes events, `closed` once it posted its downtime: the row is then final. */
    state: text('state').notNull(),
    good: bigint('good', { mode: 'number' }).notNull(),
    scrap: bigint('scrap', { mode: 'number' }).notNull(),
    /** The line's OEE factors (0..1), null when unknown (no downtime master data, no ideal cycle time, nothing planned). */
    availability: doublePrecision('availability'),
    performance: doublePrecision('performance'),
    quality: doublePrecision('quality'),
    oee: doublePrecision('oee'),
    /** The whole `ShiftSummary` as of `written_at`: per machine, losses, downtime by reason and cost center, postings. */
    summary: jsonb('summary').$type<ShiftSummary>().notNull(),
    /** Workflow time of the write (not the database's clock): an older write never overwrites a newer one. */
    writtenAt: timestamp('written_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.siteCode, t.lineCode, t.shiftDate, t.shiftCode] }),
    // The trend of a line: its shifts by start.
    index('shift_oee_line_start').on(t.siteCode, t.lineCode, t.startsAt),
  ],
);
