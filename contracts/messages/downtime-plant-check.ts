import type { SiteDowntimeConfig } from './downtime-config.js';

/** What the check needs of the plant model (kept structural, so plant-model.ts and this file do not import each other). */
interface PlantShape {
  sites: Array<{ code: string; costCenters: Array<{ code: string }>; lines: Array<{ machines: Array<{ code: string; costCenter?: string }> }> }>;
  materials: Array<{ code: string }>;
  downtime?: SiteDowntimeConfig[];
}

/**
 * The names in the plant's downtime master data against the plant: each entry names a known site, once; machines of
 * alarm mappings and ideal cycle times are machines of that site; materials are known; cost centers of reasons and
 * machines are the site's.
 */
export function checkPlantDowntime(plant: PlantShape, addIssue: (path: Array<string | number>, message: string) => void): void {
  plant.sites.forEach((s, i) => {
    const centers = new Set(s.costCenters.map((c) => c.code));
    s.lines.forEach((l, j) =>
      l.machines.forEach((m, k) => {
        if (m.costCenter !== undefined && !centers.has(m.costCenter))
          addIssue(['sites', i, 'lines', j, 'machines', k, 'costCenter'], `unknown cost center ${m.costCenter} in site ${s.code}`);
      }),
    );
  });
  const materials = new Set(plant.materials.map((m) => m.code));
  const seen = new Map<string, number>();
  plant.downtime?.forEach((d, i) => {
    const site = plant.sites.find((s) => s.code === d.site);
    if (!site) return addIssue(['downtime', i, 'site'], `unknown site ${d.site}`);
    const first = seen.get(d.site);
    if (first !== undefined) return addIssue(['downtime', i, 'site'], `site ${d.site} already has its downtime master data (downtime[${first}])`);
    seen.set(d.site, i);
    const machines = new Set(site.lines.flatMap((l) => l.machines.map((m) => m.code)));
    const centers = new Set(site.costCenters.map((c) => c.code));
    d.categories.forEach((c, j) =>
      c.reasons.forEach((r, k) => {
        if (r.costCenter !== undefined && !centers.has(r.costCenter))
          addIssue(['downtime', i, 'categories', j, 'reasons', k, 'costCenter'], `unknown cost center ${r.costCenter} in site ${d.site}`);
      }),
    );
    d.alarmReasons.forEach((a, j) => {
      if (a.machine !== undefined && !machines.has(a.machine)) addIssue(['downtime', i, 'alarmReasons', j, 'machine'], `unknown machine ${a.machine} in site ${d.site}`);
    });
    d.idealCycleTimes.forEach((t, j) => {
      if (!machines.has(t.machine)) addIssue(['downtime', i, 'idealCycleTimes', j, 'machine'], `unknown machine ${t.machine} in site ${d.site}`);
      if (!materials.has(t.material)) addIssue(['downtime', i, 'idealCycleTimes', j, 'material'], `unknown material ${t.material}`);
    });
  });
}
