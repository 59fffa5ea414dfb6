import { and, desc, eq, gte, lte, type SQL } from 'drizzle-orm';
import { shiftOee } from '../schema/index.js';
import type { Db } from './client.js';

export type StoredShift = typeof shiftOee.$inferSelect;

/** One shift's read model row (written by its workflow), or null when there is none (not started, or before the patch). */
export async function storedShift(db: Db, site: string, line: string, date: string, shiftCode: string): Promise<StoredShift | null> {
  const [row] = await db
    .select()
    .from(shiftOee)
    .where(and(eq(shiftOee.siteCode, site), eq(shiftOee.lineCode, line), eq(shiftOee.shiftDate, date), eq(shiftOee.shiftCode, shiftCode)));
  return row ?? null;
}

/**
 * A line's stored shifts whose local date lies in `from`..`to` (YYYY-MM-DD, both inclusive, either open), oldest
 * first; at most `limit`, the latest ones when more match.
 */
export async function storedShiftsOfLine(db: Db, site: string, line: string, range: { from?: string; to?: string; limit: number }): Promise<StoredShift[]> {
  const where: SQL[] = [eq(shiftOee.siteCode, site), eq(shiftOee.lineCode, line)];
  // ISO dates compare as text in date order.
  if (range.from) where.push(gte(shiftOee.shiftDate, range.from));
  if (range.to) where.push(lte(shiftOee.shiftDate, range.to));
  const rows = await db.select().from(shiftOee).where(and(...where)).orderBy(desc(shiftOee.startsAt)).limit(range.limit);
  return rows.reverse();
}
