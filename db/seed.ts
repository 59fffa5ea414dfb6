import { sql } from 'drizzle-orm';
import { countingPointsOf, type PlantModel } from '../contracts/messages/plant-model.js';
import { bomItems, costCenters, lines, machines, materials, sites } from '../schema/index.js';
import type { Db } from './client.js';

/** Upserts the master data in one transaction, so a failed seed leaves the previous master data intact. */
export async function seedPlant(db: Db, plant: PlantModel): Promise<void> {
  await db.transaction(async (tx) => {
    for (const s of plant.sites) {
      await tx.insert(sites).values({ code: s.code, name: s.name, timezone: s.timezone })
        .onConflictDoUpdate({ target: sites.code, set: { name: s.name, timezone: s.timezone } });
      for (const c of s.costCenters)
        await tx.insert(costCenters).values({ siteCode: s.code, code: c.code, name: c.name })
          .onConflictDoUpdate({ target: [costCenters.siteCode, costCenters.code], set: { name: c.name } });
      for (const l of s.lines) {
        const line = { name: l.name, costCenter: l.costCenter, erpPlant: l.erpPlant, storageLocation: l.storageLocation };
        await tx.insert(lines).values({ siteCode: s.code, code: l.code, ...line })
          .onConflictDoUpdate({ target: [lines.siteCode, lines.code], set: line });
        const counting = new Set(countingPointsOf(l));
        for (const m of l.machines) {
          const machine = { lineCode: l.code, name: m.name, countingPoint: counting.has(m.code) };
          await tx.insert(machines).values({ siteCode: s.code, code: m.code, ...machine })
            .onConflictDoUpdate({ target: [machines.siteCode, machines.code], set: machine });
        }
      }
    }
    for (const m of plant.materials)
      await tx.insert(materials).values({ code: m.code, description: m.description, unit: m.unit })
        .onConflictDoUpdate({ target: materials.code, set: { description: m.description, unit: m.unit } });
    for (const m of plant.materials) {
      await tx.delete(bomItems).where(sql`${bomItems.material} = ${m.code}`);
      if (m.bom.length > 0)
        await tx.insert(bomItems).values(
          m.bom.map((b, i) => ({ material: m.code, position: (i + 1) * 10, component: b.component, quantityPer: b.quantityPer, unit: b.unit })),
        );
    }
  });
}
