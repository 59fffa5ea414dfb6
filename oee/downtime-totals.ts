import type { ClassifiedStop } from './classify.js';

/** Downtime of one reason or cost center: stops and their milliseconds outside breaks, micro-stops among them. */
export interface DowntimeTotal {
  stops: number;
  ms: number;
  microStops: number;
  microMs: number;
}

function totalsBy(stops: ReadonlyArray<ClassifiedStop>, key: (s: ClassifiedStop) => string): Record<string, DowntimeTotal> {
  const out: Record<string, DowntimeTotal> = {};
  for (const s of stops) {
    const t = (out[key(s)] ??= { stops: 0, ms: 0, microStops: 0, microMs: 0 });
    t.stops += 1;
    t.ms += s.downtimeMs;
    if (s.micro) {
      t.microStops += 1;
      t.microMs += s.downtimeMs;
    }
  }
  return out;
}

/** Downtime per reason code and per cost center (integer ms, so the two add up to the same total). */
export function downtimeTotals(stops: ReadonlyArray<ClassifiedStop>): { byReason: Record<string, DowntimeTotal>; byCostCenter: Record<string, DowntimeTotal> } {
  return { byReason: totalsBy(stops, (s) => s.reason), byCostCenter: totalsBy(stops, (s) => s.costCenter) };
}
