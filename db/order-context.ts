import { and, asc, eq } from 'drizzle-orm';
import { SiteQualityConfig } from '../contracts/messages/inspection.js';
import type { OrderContext } from '../contracts/messages/work-order-status.js';
import { bomItems, lines, materials, sites } from '../schema/index.js';
import type { Db } from './client.js';

/** Which order's master data: the line it runs on and the material it makes. */
export interface OrderContextInput {
  site: string;
  line: string;
  material: string;
}

/**
 * Reads an order's BOM (components in position order, `quantityPer` a decimal string per unit of the material), its
 * line's ERP plant and storage location, the material's unit and the site's time zone (posting dates are the plant's);
 * null where the plant model does not know them; the inspection characteristics of the material on the line (absent: none).
 * Used by the work order's activity once per order and by reconciliation for orders that closed before carrying it.
 * @throws the database's error.
 */
export async function loadOrderContext(db: Db, input: OrderContextInput): Promise<OrderContext> {
  const [bom, [line], [material], [site]] = await Promise.all([
    db.select().from(bomItems).where(eq(bomItems.material, input.material)).orderBy(asc(bomItems.position)),
    db.select().from(lines).where(and(eq(lines.siteCode, input.site), eq(lines.code, input.line))),
    db.select().from(materials).where(eq(materials.code, input.material)),
    db.select({ timezone: sites.timezone, quality: sites.quality }).from(sites).where(eq(sites.code, input.site)),
  ]);
  return {
    bom: bom.map((b) => ({ component: b.component, quantityPer: b.quantityPer, unit: b.unit })),
    plant: line?.erpPlant ?? null,
    storageLocation: line?.storageLocation ?? null,
    materialUnit: material?.unit ?? null,
    // Only when true: contexts of materials without batches keep their old shape.
    ...(material?.batchManaged ? { materialBatchManaged: true } : {}),
    timezone: site?.timezone ?? null,
    // Parsed again, so a row written by another version cannot reach the workflow malformed. Every operation's: the
    // workflow keeps those of its own operation.
    ...qualityOf(site?.quality, input),
  };
}

/** The site's inspection characteristics for the material on the line; nothing when there are none (the context keeps its old shape). */
function qualityOf(stored: unknown, input: OrderContextInput): Pick<OrderContext, 'characteristics'> {
  if (!stored) return {};
  const own = SiteQualityConfig.parse(stored).characteristics.filter((c) => c.line === input.line && c.material === input.material);
  return own.length > 0 ? { characteristics: own } : {};
}
