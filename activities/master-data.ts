import { SiteDowntimeConfig } from '../contracts/messages/downtime-config.js';
import type { SiteShiftCalendars } from '../contracts/messages/shift-calendar.js';
import type { OrderContext } from '../contracts/messages/work-order-status.js';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { loadLineCalendar } from '../db/line-calendar.js';
import { loadOrderContext, type OrderContextInput } from '../db/order-context.js';
import type { ShiftInput } from '../contracts/messages/shift.js';
import { lines, machines, sites } from '../schema/index.js';
import { calendarOf } from '../shifts/calendar-of.js';
import type { UtcInterval } from '../shifts/instances.js';
import { nextShiftOf } from '../shifts/next-shift.js';
import { shiftOf } from '../shifts/shift-of.js';

/** What a work order needs from master data to post goods movements; plain JSON so the workflow can carry it. */
export type { OrderContext };

export interface LineContextInput {
  site: string;
  line: string;
  /** The shift's start (ISO): its breaks and planned maintenance are returned too. */
  shiftStartsAt?: string;
}

/** One machine of the line as downtime classification and OEE need it. */
export interface LineMachine {
  code: string;
  /** Null: the line's. */
  costCenter: string | null;
  /** Ideal cycle time (ms per piece); null when the plant file gives none. */
  idealCycleTimeMs: number | null;
  countingPoint: boolean;
}

/**
 * What a shift needs to post downtime and compute OEE: the line's SAP plant and cost center (null when the line is
 * unknown), the site's downtime master data (null: none) and the line's machines. The last two are absent in the
 * results recorded in histories from before they existed.
 */
export interface LineContext {
  plant: string | null;
  costCenter: string | null;
  downtime?: SiteDowntimeConfig | null;
  machines?: LineMachine[];
  /** Breaks and planned maintenance of the shift starting at `shiftStartsAt` (UTC ISO), from the line's calendar. */
  plannedDowntime?: UtcInterval[];
}

/** Breaks and planned maintenance of the line's shift that starts at `startsAt`; none when the calendar has no such shift. */
function plannedDowntimeOf(calendars: SiteShiftCalendars | null, line: string, timeZone: string, startsAt: string): UtcInterval[] {
  const shift = shiftOf(startsAt, calendarOf(calendars, line, timeZone));
  return shift && Date.parse(shift.startsAt) === Date.parse(startsAt) ? [...shift.breaks, ...shift.plannedMaintenance] : [];
}

export function createMasterDataActivities(deps: { db: Db }) {
  const { db } = deps;
  return {
    /**
     * The line's first shift starting at or after `afterMs` (ms since the epoch) under its calendar, within 21 days;
     * null when none does (a line whose calendar has no shift then). What a shift hands over to at its end.
     */
    async nextShift(input: LineContextInput & { afterMs: number }): Promise<ShiftInput | null> {
      const { calendar } = await loadLineCalendar(db, input.site, input.line);
      return nextShiftOf(calendar, input.site, input.line, input.afterMs);
    },

    /** Reads the line's plant, cost center and machines and the site's downtime master data, for the shift's close. */
    async loadLineContext(input: LineContextInput): Promise<LineContext> {
      const [line] = await db.select().from(lines).where(and(eq(lines.siteCode, input.site), eq(lines.code, input.line)));
      const [site] = await db.select({ downtime: sites.downtime, timezone: sites.timezone, calendars: sites.shiftCalendars }).from(sites).where(eq(sites.code, input.site));
      const rows = await db
        .select({ code: machines.code, costCenter: machines.costCenter, idealCycleTimeMs: machines.idealCycleTimeMs, countingPoint: machines.countingPoint })
        .from(machines)
        .where(and(eq(machines.siteCode, input.site), eq(machines.lineCode, input.line)));
      return {
        plant: line?.erpPlant ?? null,
        costCenter: line?.costCenter ?? null,
        // Validated at seeding; parsed again so a row written by another version cannot reach the workflow malformed.
        downtime: site?.downtime ? SiteDowntimeConfig.parse(site.downtime) : null,
        machines: rows.sort((a, b) => a.code.localeCompare(b.code)),
        plannedDowntime: site && input.shiftStartsAt ? plannedDowntimeOf(site.calendars, input.line, site.timezone, input.shiftStartsAt) : [],
      };
    },

    /** Reads the BOM and the line's plant once per order, so every confirmation of it backflushes the same way. */
    async loadOrderContext(input: OrderContextInput): Promise<OrderContext> {
      return loadOrderContext(db, input);
    },
  };
}
