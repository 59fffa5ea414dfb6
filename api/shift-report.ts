import { eq } from 'drizzle-orm';
import { SiteDowntimeConfig } from '../contracts/messages/downtime-config.js';
import type { ShiftSummary } from '../contracts/messages/shift.js';
import type { Db } from '../db/client.js';
import { openHoldsOfLine } from '../db/open-holds.js';
import { sites } from '../schema/index.js';
import { openExceptionsFor } from './open-exceptions.js';
import type { ShiftHandoverReport } from './schemas/shift-report.js';

/** Reason code -> name, category and planned, from the site's downtime master data (empty without it). */
async function reasonBook(db: Db, site: string): Promise<Map<string, { name: string; category: string; planned: boolean }>> {
  const [row] = await db.select({ downtime: sites.downtime }).from(sites).where(eq(sites.code, site));
  const parsed = SiteDowntimeConfig.safeParse(row?.downtime);
  if (!parsed.success) return new Map();
  return new Map(parsed.data.categories.flatMap((c) => c.reasons.map((r) => [r.code, { name: r.name, category: c.code, planned: r.planned }] as const)));
}

/**
 * The shift report and handover of a shift from its summary (its read model row or its workflow's answer): produced,
 * scrap, OEE and its losses, downtime by reason and by cost center (largest first), what it posted, and the holds
 * and exceptions open on the line now.
 */
export async function shiftHandoverReport(
  db: Db,
  s: { workflowId: string; state: 'running' | 'closed'; source: 'read-model' | 'workflow'; summary: ShiftSummary },
): Promise<ShiftHandoverReport> {
  const { shift } = s.summary;
  const [reasons, holds, exceptions] = await Promise.all([reasonBook(db, shift.site), openHoldsOfLine(db, shift.site, shift.line), openExceptionsFor(db, shift.site, shift.line)]);
  const oee = s.summary.oee;
  const byMs = <T extends { ms: number }>(a: T, b: T) => b.ms - a.ms;
  return {
    workflowId: s.workflowId,
    site: shift.site,
    line: shift.line,
    date: shift.date,
    shiftCode: shift.shiftCode,
    crew: shift.crew ?? null,
    startsAt: shift.startsAt,
    endsAt: shift.endsAt,
    state: s.state,
    asOf: s.summary.asOf,
    source: s.source,
    produced: { good: s.summary.good, scrap: s.summary.scrap, total: s.summary.total },
    oee: oee?.line ?? null,
    machines: oee?.machines ?? {},
    downtimeByReason: Object.entries(oee?.downtimeByReason ?? {})
      .map(([reason, t]) => ({ reason, name: reasons.get(reason)?.name ?? null, category: reasons.get(reason)?.category ?? null, planned: reasons.get(reason)?.planned ?? null, ...t }))
      .sort(byMs),
    downtimeByCostCenter: Object.entries(oee?.downtimeByCostCenter ?? {}).map(([costCenter, t]) => ({ costCenter, ...t })).sort(byMs),
    downtimePosted: s.summary.downtime ?? null,
    openHolds: { asOf: new Date().toISOString(), ...holds },
    openExceptions: exceptions,
    problems: [...(oee?.problems ?? []), ...(oee ? [] : ['no OEE: the site has no downtime master data, or the shift started before it was computed'])],
  };
}
