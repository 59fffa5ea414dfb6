import { bigint, index, jsonb, numeric, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { WorkOrderStatus } from '../contracts/messages/work-order-status.js';

/** Read model of each work-order workflow, written by its activities; the workflow stays the source of truth. */
export const workOrders = pgTable(
  'work_orders',
  {
    workflowId: text('workflow_id').primaryKey(),
    siteCode: text('site_code').notNull(),
    erpOrderId: text('erp_order_id').notNull(),
    lineCode: text('line_code').notNull(),
    material: text('material').notNull(),
    operation: text('operation').notNull(),
    plannedQuantity: numeric('planned_quantity', { precision: 16, scale: 3 }).notNull(),
    unit: text('unit').notNull(),
    status: text('status').notNull(),
    /** bigint: the order's sum of counter deltas, each up to 2^53 - 1 by contract; past int4 the read model would fail. */
    goodQuantity: bigint('good_quantity', { mode: 'number' }).notNull().default(0),
    scrapQuantity: bigint('scrap_quantity', { mode: 'number' }).notNull().default(0),
    confirmationDocument: text('confirmation_document'),
    releasedAt: timestamp('released_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * The workflow's whole status as of `as_of` (its answer to the status query), so `GET /orders/:site/:id` reads
     * here instead of querying the workflow. Null in rows written before it existed: the API then asks the workflow.
     */
    statusDoc: jsonb('status_doc').$type<WorkOrderStatus>(),
    /** Workflow time of the status written (not the database's clock): an older status never overwrites a newer. */
    asOf: timestamp('as_of', { withTimezone: true }),
  },
  // The active order of a line (db/active-order.ts), asked on every bridge cache miss and every GET /lines.
  (t) => [index('work_orders_active').on(t.siteCode, t.lineCode, t.status)],
);
