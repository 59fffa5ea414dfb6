import { boolean, date, numeric, pgSchema, serial, text, timestamp } from 'drizzle-orm/pg-core';

/** The simulated ERP keeps its own books in its own schema: it is another system, not a table of the MES. */
export const erpSim = pgSchema('erp_sim');

export const simPostings = erpSim.table('postings', {
  id: serial('id').primaryKey(),
  document: text('document').notNull().unique(),
  // Deliberately not unique: a real ERP does not deduplicate on our key, so the adapter must.
  postingKey: text('posting_key').notNull(),
  kind: text('kind').notNull(),
  // Null for documents of no order: downtime, a quality notification raised without one.
  erpOrderId: text('erp_order_id'),
  operation: text('operation'),
  yieldQty: numeric('yield_qty', { precision: 16, scale: 3 }),
  scrapQty: numeric('scrap_qty', { precision: 16, scale: 3 }),
  unit: text('unit'),
  isFinal: boolean('is_final'),
  movementType: text('movement_type'),
  /** A receipt's (101) or its reversal's (102) stock: `blocked`, or null for unrestricted. */
  stockType: text('stock_type'),
  items: text('items'),
  material: text('material'),
  plant: text('plant'),
  quantity: numeric('quantity', { precision: 16, scale: 3 }),
  /** The defect text of a quality notification, or the machine state of a downtime. */
  reason: text('reason'),
  reportedBy: text('reported_by'),
  line: text('line'),
  costCenter: text('cost_center'),
  machine: text('machine'),
  startedAt: timestamp('started_at', { withTimezone: true }),
  endedAt: timestamp('ended_at', { withTimezone: true }),
  durationMin: numeric('duration_min', { precision: 12, scale: 3 }),
  /** A downtime's notification type (M2 unless the request named another) and breakdown indicator. */
  notificationType: text('notification_type'),
  breakdown: boolean('breakdown'),
  postedAt: timestamp('posted_at', { withTimezone: true }).notNull().defaultNow(),
  // Cancellation flags the document and keeps it, as an ERP does: its history stays readable.
  cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
  // The period a confirmation or movement is booked in (the request's date, else the ledger's UTC today), and the
  // production's date when the posting moved out of a closed period.
  postingDate: date('posting_date', { mode: 'string' }),
  documentDate: date('document_date', { mode: 'string' }),
});
