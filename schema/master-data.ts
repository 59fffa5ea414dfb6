import { boolean, integer, jsonb, numeric, pgTable, primaryKey, serial, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type { SiteDowntimeConfig } from '../contracts/messages/downtime-config.js';
import type { SiteQualityConfig } from '../contracts/messages/inspection.js';
import type { SiteShiftCalendars } from '../contracts/messages/shift-calendar.js';

export const sites = pgTable('sites', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  timezone: text('timezone').notNull(),
  /**
   * The plant file's shift calendars of the site and its lines, validated at seeding; null: the default A/B/C.
   * jsonb, not tables: a calendar is read whole (bridge, API) and versioned whole (shifts/calendar-change.ts).
   */
  shiftCalendars: jsonb('shift_calendars').$type<SiteShiftCalendars>(),
  /**
   * The plant file's downtime reasons and OEE master data of the site (contracts/messages/downtime-config.ts),
   * validated at seeding; null: none, every stretch is posted as a malfunction report with its state as the reason.
   */
  downtime: jsonb('downtime').$type<SiteDowntimeConfig>(),
  /** The plant file's inspection characteristics of the site (contracts/messages/inspection.ts), validated at seeding; null: none. */
  quality: jsonb('quality').$type<SiteQualityConfig>(),
});

export const costCenters = pgTable(
  'cost_centers',
  {
    siteCode: text('site_code').notNull().references(() => sites.code),
    code: text('code').notNull(),
    name: text('name').notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteCode, t.code] })],
);

export const lines = pgTable(
  'lines',
  {
    siteCode: text('site_code').notNull().references(() => sites.code),
    code: text('code').notNull(),
    name: text('name').notNull(),
    costCenter: text('cost_center').notNull(),
    erpPlant: text('erp_plant').notNull(),
    storageLocation: text('storage_location').notNull(),
  },
  (t) => [primaryKey({ columns: [t.siteCode, t.code] })],
);

export const machines = pgTable(
  'machines',
  {
    siteCode: text('site_code').notNull(),
    lineCode: text('line_code').notNull(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    /**
     * Whether the machine's counts are its line's output (the plant file's `countingPoints`, with its defaults):
     * only a counting point adds to an order or to unassigned production; every machine's counts are kept per
     * machine (machine_counts). True for rows seeded before counting points existed, as they counted then.
     */
    countingPoint: boolean('counting_point').notNull().default(true),
    /** Where the machine's downtime goes when its reason names no cost center; null: its line's. */
    costCenter: text('cost_center'),
    /** The plant file's `idealCycleTimeS` in whole milliseconds per piece (OEE's fallback ideal cycle time). */
    idealCycleTimeMs: integer('ideal_cycle_time_ms'),
  },
  (t) => [primaryKey({ columns: [t.siteCode, t.code] })],
);

export const materials = pgTable('materials', {
  code: text('code').primaryKey(),
  description: text('description').notNull(),
  unit: text('unit').notNull(),
  /** Each finished unit gets a serial number (the plant file's `serialized`; docs/genealogy.md). */
  serialized: boolean('serialized').notNull().default(false),
  /** Goods receipts name the finished batch (the plant file's `batchManaged`; docs/genealogy.md). */
  batchManaged: boolean('batch_managed').notNull().default(false),
});

export const bomItems = pgTable(
  'bom_items',
  {
    id: serial('id').primaryKey(),
    material: text('material').notNull().references(() => materials.code),
    position: integer('position').notNull(),
    component: text('component').notNull().references(() => materials.code),
    quantityPer: numeric('quantity_per', { precision: 16, scale: 3 }).notNull(),
    unit: text('unit').notNull(),
  },
  (t) => [uniqueIndex('bom_items_material_position').on(t.material, t.position)],
);
