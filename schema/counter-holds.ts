import { bigint, boolean, doublePrecision, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Counter readings the edge refused to count (a `hold` machine event), one row per event id, kept until a person
 * decides. `status`: `held`, then `accepted` (`acceptedQuantity` was counted once, toward `countedTo`) or `rejected` (with
 * `decisionReason`). The order in context is the one the bridge gave the line's counts when it routed the hold.
 */
export const counterHolds = pgTable(
  'counter_holds',
  {
    eventId: text('event_id').primaryKey(),
    siteCode: text('site_code').notNull(),
    lineCode: text('line_code').notNull(),
    machineCode: text('machine_code').notNull(),
    tag: text('tag').notNull(),
    counter: text('counter').notNull(),
    reason: text('reason').notNull(),
    /**
     * Pieces the readings would mean; `limit` the most the machine could make in `elapsedMs` (null for a drop). bigint:
     * the contract allows any whole number up to 2^53 - 1 (a UInt32 glitch alone means ~4.3e9 pieces, 25 idle days
     * ~2.2e9 ms), and a hold that cannot be stored would fail its bridge round. Numbers in TS: they stay below 2^53.
     */
    delta: bigint('delta', { mode: 'number' }).notNull(),
    limit: bigint('limit', { mode: 'number' }),
    elapsedMs: bigint('elapsed_ms', { mode: 'number' }).notNull(),
    /** Any finite JS number (a 64-bit counter's reading, a REAL's fraction, a signed counter's negative value). */
    raw: doublePrecision('raw').notNull(),
    /** `[{ raw, sourceTime }]` as the edge sent them, oldest first. */
    readings: jsonb('readings').notNull(),
    /**
     * `[{ kind, pieces }]`: the explanations the edge could not choose between (rollover or reset, glitch or
     * increase, ...), null when it sent none. A person may accept any of them.
     */
    explanations: jsonb('explanations'),
    sourceTime: timestamp('source_time', { withTimezone: true }).notNull(),
    /**
     * The shift the readings fall in (a `ShiftInput`: site time zone), null for a machine the plant model does not
     * know: an accepted delta is added to that shift's machine counts and, from a counting point, to its workflow.
     */
    shift: jsonb('shift'),
    /** Whether the machine was a counting point when the hold arrived: only then may the delta reach an order. */
    countingPoint: boolean('counting_point').notNull(),
    workflowId: text('workflow_id'),
    erpOrderId: text('erp_order_id'),
    status: text('status').notNull().default('held'),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionReason: text('decision_reason'),
    /**
     * The pieces an acceptance counted: `delta`, or the quantity the person put instead (0..delta: a 0xFFFFFFFF spike
     * between 45000 and 45003 is 3 pieces, not ~4.3e9); null until accepted. What was counted, once.
     */
    acceptedQuantity: bigint('accepted_quantity', { mode: 'number' }),
    /** Where an accepted delta went: the order's workflow id, `unassigned`, or `machine` (machine-level data only). */
    countedTo: text('counted_to'),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('counter_holds_status').on(t.siteCode, t.status, t.lineCode)],
);
