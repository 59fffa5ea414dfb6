import type { SiteDowntimeConfig } from '../contracts/messages/downtime-config.js';

/** Ideal cycle time of a piece of `material` (null: not known) on `machine`, in whole milliseconds; undefined: unknown. */
export type IdealCycleMs = (machine: string, material: string | null) => number | undefined;

/**
 * Ideal cycle times from master data: the site's time for the material on the machine, else the machine's
 * `idealCycleTimeS` (plant file, seconds per piece at rated speed). Seconds carry at most 3 decimals, so the
 * milliseconds are whole and every product with a piece count is exact.
 */
export function idealCycleMs(master: Pick<SiteDowntimeConfig, 'idealCycleTimes'> | null, machineIdealS: Readonly<Record<string, number | undefined>>): IdealCycleMs {
  const own = new Map((master?.idealCycleTimes ?? []).map((t) => [`${t.machine}/${t.material}`, t.seconds]));
  return (machine, material) => {
    const s = (material !== null ? own.get(`${machine}/${material}`) : undefined) ?? machineIdealS[machine];
    return s === undefined ? undefined : Math.round(s * 1000);
  };
}
