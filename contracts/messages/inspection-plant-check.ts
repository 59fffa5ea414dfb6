import type { SiteQualityConfig } from './inspection.js';

/** What the check needs of the plant model (structural, so plant-model.ts and this file do not import each other). */
interface PlantShape {
  sites: Array<{ code: string; lines: Array<{ code: string; machines: Array<{ code: string }> }> }>;
  materials: Array<{ code: string }>;
  quality?: SiteQualityConfig[];
}

/**
 * The names in the plant's inspection characteristics against the plant: each entry names a known site, once; each
 * characteristic a line of that site, a known material and, for a tag, a machine of that line; codes are unique per
 * site, and one machine tag measures one characteristic per material and operation.
 */
export function checkPlantQuality(plant: PlantShape, addIssue: (path: Array<string | number>, message: string) => void): void {
  const materials = new Set(plant.materials.map((m) => m.code));
  const sites = new Set<string>();
  plant.quality?.forEach((q, i) => {
    const site = plant.sites.find((s) => s.code === q.site);
    if (!site) return addIssue(['quality', i, 'site'], `unknown site ${q.site}`);
    if (sites.has(q.site)) return addIssue(['quality', i, 'site'], `site ${q.site} has inspection characteristics already: one entry per site`);
    sites.add(q.site);
    const codes = new Set<string>();
    const tags = new Set<string>();
    q.characteristics.forEach((c, j) => {
      const at = ['quality', i, 'characteristics', j];
      if (codes.has(c.code)) addIssue([...at, 'code'], `characteristic ${c.code} is defined twice in site ${q.site}`);
      codes.add(c.code);
      const line = site.lines.find((l) => l.code === c.line);
      if (!line) addIssue([...at, 'line'], `unknown line ${c.line} in site ${q.site}`);
      if (!materials.has(c.material)) addIssue([...at, 'material'], `unknown material ${c.material}`);
      if (c.source !== 'tag') return;
      if (line && !line.machines.some((m) => m.code === c.machine)) addIssue([...at, 'machine'], `unknown machine ${c.machine} on line ${c.line}`);
      const key = `${c.line}/${c.material}/${c.operation}/${c.machine}/${c.tag}`;
      if (tags.has(key)) addIssue([...at, 'tag'], `${c.machine} ${c.tag} already measures a characteristic of ${c.material} operation ${c.operation}`);
      tags.add(key);
    });
  });
}
