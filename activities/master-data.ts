import type { OrderContext } from '../contracts/messages/work-order-status.js';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { loadLineCalendar } from '../db/line-calendar.js';
import { loadOrderContext, type OrderContextInput } from '../db/order-context.js';
import type { ShiftInput } from '../contracts/messages/shift.js';
import { nextShiftOf } from '../shifts/next-shift.js';
import { lines } from '../schema/index.js';

/** What a work order needs from master data to post goods movements; plain JSON so the workflow can carry it. */
export type { OrderContext };

export interface LineContextInput {
  site: string;
  line: string;
}

/** What a shift needs to post downtime: the line's SAP plant and cost center; null when the line is unknown. */
export interface LineContext {
  plant: string | null;
  costCenter: string | null;
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

    /** Reads the line's plant and cost center from the plant model, for the shift's downtime records. */
    async loadLineContext(input: LineContextInput): Promise<LineContext> {
      const [line] = await db.select().from(lines).where(and(eq(lines.siteCode, input.site), eq(lines.code, input.line)));
      return { plant: line?.erpPlant ?? null, costCenter: line?.costCenter ?? null };
    },

    /** Reads the BOM and the line's plant once per order, so every confirmation of it backflushes the same way. */
    async loadOrderContext(input: OrderContextInput): Promise<OrderContext> {
      return loadOrderContext(db, input);
    },
  };
}
