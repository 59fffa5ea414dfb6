import { index, integer, numeric, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * Component batches staged at a line (issue 13, item 5): scanned in through the API (`source` `scan`) or named by the
 * ERP order's components (`erp`, staged when the order first issues them). The backflush consumes them first in,
 * first out by `stagedAt` (db/batch-allocation.ts); what is left is `quantity` minus the standing consumptions.
 */
export const stagedBatches = pgTable(
  'staged_batches',
  {
    id: serial('id').primaryKey(),
    siteCode: text('site_code').notNull(),
    lineCode: text('line_code').notNull(),
    material: text('material').notNull(),
    /** SAP CHARG, 10 characters at most. */
    batch: text('batch').notNull(),
    quantity: numeric('quantity', { precision: 16, scale: 3 }).notNull(),
    unit: text('unit').notNull(),
    source: text('source').notNull(),
    /** The order whose components named the batch (`source` `erp`). */
    erpOrderId: text('erp_order_id'),
    stagedBy: text('staged_by').notNull(),
    stagedAt: timestamp('staged_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('staged_batches_line_batch').on(t.siteCode, t.lineCode, t.material, t.batch)],
);

/**
 * One component batch consumed by one 261 of a work order (`postingKey` is the goods issue's): the link component
 * batch -> order. Written by the activity that chooses the batches, in one transaction, so a retry finds the same
 * choice; `reversedAt` is set when the 261 is taken back (262), and the row stops counting.
 */
export const batchConsumptions = pgTable(
  'batch_consumptions',
  {
    id: serial('id').primaryKey(),
    postingKey: text('posting_key').notNull(),
    workflowId: text('workflow_id').notNull(),
    siteCode: text('site_code').notNull(),
    erpOrderId: text('erp_order_id').notNull(),
    lineCode: text('line_code').notNull(),
    /** The item of the backflush it is part of (0-based): one component may be on two reservation items of an order. */
    itemNo: integer('item_no').notNull(),
    material: text('material').notNull(),
    batch: text('batch').notNull(),
    quantity: numeric('quantity', { precision: 16, scale: 3 }).notNull(),
    unit: text('unit').notNull(),
    /** The staged row it draws on; null for an ERP-named batch that was never staged. */
    stagedBatchId: integer('staged_batch_id'),
    consumedAt: timestamp('consumed_at', { withTimezone: true }).notNull().defaultNow(),
    reversedAt: timestamp('reversed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('batch_consumptions_key_item_batch').on(t.postingKey, t.itemNo, t.batch),
    index('batch_consumptions_batch').on(t.material, t.batch),
    index('batch_consumptions_order').on(t.siteCode, t.erpOrderId),
  ],
);

/**
 * What one confirmation of a work order made (`postingKey` is the confirmation's): the link order -> finished batch,
 * with the serial numbers of its yield when the material is serialized (order_serials).
 */
export const orderOutputs = pgTable(
  'order_outputs',
  {
    postingKey: text('posting_key').primaryKey(),
    workflowId: text('workflow_id').notNull(),
    siteCode: text('site_code').notNull(),
    erpOrderId: text('erp_order_id').notNull(),
    lineCode: text('line_code').notNull(),
    material: text('material').notNull(),
    batch: text('batch').notNull(),
    yieldQty: numeric('yield_qty', { precision: 16, scale: 3 }).notNull(),
    unit: text('unit').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('order_outputs_batch').on(t.material, t.batch), index('order_outputs_order').on(t.siteCode, t.erpOrderId)],
);

/**
 * Serial numbers of a serialized material's finished units. Assigned through the API before production (`postingKey`
 * null until a confirmation takes them, in `position` order), else numbered by the order's counter when confirmed.
 */
export const orderSerials = pgTable(
  'order_serials',
  {
    material: text('material').notNull(),
    /** SAP SERNR, 18 characters at most. */
    serial: text('serial').notNull(),
    siteCode: text('site_code').notNull(),
    erpOrderId: text('erp_order_id').notNull(),
    /** The unit's place in the order's yield, from 1. */
    position: integer('position').notNull(),
    source: text('source').notNull(),
    postingKey: text('posting_key'),
    assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('order_serials_material_serial').on(t.material, t.serial),
    uniqueIndex('order_serials_order_position').on(t.siteCode, t.erpOrderId, t.position),
  ],
);
