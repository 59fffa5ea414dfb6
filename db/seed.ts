import { eq, sql } from 'drizzle-orm';
import { countingPointsOf, siteShiftCalendars, type PlantModel } from '../contracts/messages/plant-model.js';
import { SiteShiftCalendars } from '../contracts/messages/shift-calendar.js';
import { SHIFT_CALENDARS_CHANNEL } from '../contracts/names.js';
import { InvalidInput, issuePath } from '../contracts/parse.js';
import { calendarChangeIssues } from '../shifts/calendar-change.js';
import { calendarOf } from '../shifts/calendar-of.js';
import { bomItems, costCenters, lines, machines, materials, sites } from '../schema/index.js';
import type { Db } from './client.js';

type Site = PlantModel['sites'][number];

/**
 * Refuses shift calendars that would change a closed shift of a site already seeded (shifts/calendar-change.ts),
 * checking every line against the calendar it worked to. A site seeded for the first time has no closed shift.
 * @throws InvalidInput naming `shiftCalendars[i]...` of the plant file and the shift the change would reach.
 */
export function checkCalendarChange(plant: PlantModel, site: Site, stored: { timezone: string; shiftCalendars: unknown }, nowMs: number): void {
  const before = stored.shiftCalendars === null ? null : SiteShiftCalendars.parse(stored.shiftCalendars);
  const after = siteShiftCalendars(plant, site.code);
  const calendars = plant.shiftCalendars ?? [];
  // The plant file's entry a line works to: its own, else its site's (-1: none, the default).
  const entry = (line: string) => {
    const own = calendars.findIndex((c) => c.site === site.code && c.line === line);
    return own >= 0 ? own : calendars.findIndex((c) => c.site === site.code && c.line === undefined);
  };
  const issues = new Map<string, { path: string; message: string }>();
  for (const l of site.lines) {
    const previous = calendarOf(before, l.code, stored.timezone);
    const next = calendarOf(after, l.code, site.timezone);
    const i = entry(l.code);
    for (const issue of calendarChangeIssues(previous, next, nowMs)) {
      const path = i < 0 ? 'shiftCalendars' : issuePath(['shiftCalendars', i, ...issue.path]);
      issues.set(`${path}|${issue.message}`, { path, message: i < 0 ? `calendar of line ${l.code} removed: ${issue.message}` : issue.message });
    }
  }
  if (issues.size > 0) throw new InvalidInput(`shift calendars of site ${site.code}`, [...issues.values()]);
}

/**
 * Upserts the master data in one transaction, so a failed seed leaves the previous master data intact.
 * @param nowMs the instant (ms since the epoch) shift calendar changes are checked against: none may reach a shift
 *   that closed by then.
 * @throws InvalidInput when a shift calendar change would reach a closed shift (nothing is written).
 */
export async function seedPlant(db: Db, plant: PlantModel, nowMs: number = Date.now()): Promise<void> {
  await db.transaction(async (tx) => {
    for (const s of plant.sites) {
      const [stored] = await tx.select({ timezone: sites.timezone, shiftCalendars: sites.shiftCalendars }).from(sites).where(eq(sites.code, s.code)).for('update');
      if (stored) checkCalendarChange(plant, s, stored, nowMs);
      const site = { name: s.name, timezone: s.timezone, shiftCalendars: siteShiftCalendars(plant, s.code), downtime: plant.downtime?.find((d) => d.site === s.code) ?? null, quality: plant.quality?.find((q) => q.site === s.code) ?? null };
      await tx.insert(sites).values({ code: s.code, ...site }).onConflictDoUpdate({ target: sites.code, set: site });
      // Running bridges read the machines, calendars and characteristics' tags again (bridge/context.ts); at commit.
      await tx.execute(sql`select pg_notify(${SHIFT_CALENDARS_CHANNEL}, ${s.code})`);
      for (const c of s.costCenters)
        await tx.insert(costCenters).values({ siteCode: s.code, code: c.code, name: c.name })
          .onConflictDoUpdate({ target: [costCenters.siteCode, costCenters.code], set: { name: c.name } });
      for (const l of s.lines) {
        const line = { name: l.name, costCenter: l.costCenter, erpPlant: l.erpPlant, storageLocation: l.storageLocation };
        await tx.insert(lines).values({ siteCode: s.code, code: l.code, ...line })
          .onConflictDoUpdate({ target: [lines.siteCode, lines.code], set: line });
        const counting = new Set(countingPointsOf(l));
        for (const m of l.machines) {
          const machine = {
            lineCode: l.code,
            name: m.name,
            countingPoint: counting.has(m.code),
            costCenter: m.costCenter ?? null,
            idealCycleTimeMs: m.idealCycleTimeS === undefined ? null : Math.round(m.idealCycleTimeS * 1000),
          };
          await tx.insert(machines).values({ siteCode: s.code, code: m.code, ...machine })
            .onConflictDoUpdate({ target: [machines.siteCode, machines.code], set: machine });
        }
      }
    }
    for (const m of plant.materials)
      await tx.insert(materials).values({ code: m.code, description: m.description, unit: m.unit, serialized: m.serialized, batchManaged: m.batchManaged })
        .onConflictDoUpdate({ target: materials.code, set: { description: m.description, unit: m.unit, serialized: m.serialized, batchManaged: m.batchManaged } });
    for (const m of plant.materials) {
      await tx.delete(bomItems).where(sql`${bomItems.material} = ${m.code}`);
      if (m.bom.length > 0)
        await tx.insert(bomItems).values(
          m.bom.map((b, i) => ({ material: m.code, position: (i + 1) * 10, component: b.component, quantityPer: b.quantityPer, unit: b.unit })),
        );
    }
  });
}
