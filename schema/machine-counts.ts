import { bigint, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Every machine's own counts per shift, counting point or not: machine-level data for OEE (a machine in series
 * counts the same pieces as its line's counting point, so these never add up to order quantity). Written by the
 * signal bridge in the transaction that marks the events seen, so a redelivered event adds nothing; an accepted
 * counter hold adds its delta here too.
 */
export const machineCounts = pgTable(
  'machine_counts',
  {
    siteCode: text('site_code').notNull(),
    machineCode: text('machine_code').notNull(),
    lineCode: text('line_code').notNull(),
    /** The shift by the events' source time under the line's shift calendar (shifts/shift-of.ts); `-` outside every shift. */
    shiftDate: text('shift_date').notNull(),
    shiftCode: text('shift_code').notNull(),
    good: bigint('good', { mode: 'number' }).notNull().default(0),
    scrap: bigint('scrap', { mode: 'number' }).notNull().default(0),
    total: bigint('total', { mode: 'number' }).notNull().default(0),
    /** Counter events these counts came from (an accepted hold is one). */
    events: bigint('events', { mode: 'number' }).notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.siteCode, t.machineCode, t.shiftDate, t.shiftCode] })],
);
