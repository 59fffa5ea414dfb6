import { SiteDowntimeConfig } from '../contracts/messages/downtime-config.js';
import type { OrderContext } from '../contracts/messages/work-order-status.js';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { loadOrderContext, type OrderContextInput } from '../db/order-context.js';
import { lines, machines, sites } from '../schema/index.js';

/** What a work order needs from master data to post goods movements; plain JSON so the workflow can carry it. */
export type { OrderContext };

export interface LineContextInput {
  site: string;
  line: string;
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
}

export function createMasterDataActivities(deps: { db: Db }) {
  const { db } = deps;
  return {
    /** Reads the line's plant, cost center and machines and the site's downtime master data, for the shift's close. */
    async loadLineContext(input: LineContextInput): Promise<LineContext> {
      const [line] = await db.select().from(lines).where(and(eq(lines.siteCode, input.site), eq(lines.code, input.line)));
      const [site] = await db.select({ downtime: sites.downtime }).from(sites).where(eq(sites.code, input.site));
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
      };
    },

    /** Reads the BOM and the line's plant once per order, so every confirmation of it backflushes the same way. */
    async loadOrderContext(input: OrderContextInput): Promise<OrderContext> {
      return loadOrderContext(db, input);
    },
  };
}
