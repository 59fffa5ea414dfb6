import type { OrderContext } from '../contracts/messages/work-order-status.js';
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { bomItems, lines, materials } from '../schema/index.js';

export interface OrderContextInput {
  site: string;
  line: string;
  material: string;
}

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
    /** Reads the line's plant and cost center from the plant model, for the shift's downtime records. */
    async loadLineContext(input: LineContextInput): Promise<LineContext> {
      const [line] = await db.select().from(lines).where(and(eq(lines.siteCode, input.site), eq(lines.code, input.line)));
      return { plant: line?.erpPlant ?? null, costCenter: line?.costCenter ?? null };
    },

    /** Reads the BOM and the line's plant once per order, so every confirmation of it backflushes the same way. */
    async loadOrderContext(input: OrderContextInput): Promise<OrderContext> {
      const [bom, [line], [material]] = await Promise.all([
        db.select().from(bomItems).where(eq(bomItems.material, input.material)).orderBy(asc(bomItems.position)),
        db.select().from(lines).where(and(eq(lines.siteCode, input.site), eq(lines.code, input.line))),
        db.select().from(materials).where(eq(materials.code, input.material)),
      ]);
      return {
        bom: bom.map((b) => ({ component: b.component, quantityPer: b.quantityPer, unit: b.unit })),
        plant: line?.erpPlant ?? null,
        storageLocation: line?.storageLocation ?? null,
        materialUnit: material?.unit ?? null,
      };
    },
  };
}
