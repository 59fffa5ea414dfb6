import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { StageBatchBody, StagedBatchView } from '../contracts/messages/genealogy.js';
import { canonicalDecimal, fromThousandths, toThousandths } from '../contracts/decimal.js';
import { batchConsumptions, stagedBatches } from '../schema/index.js';
import type { Db } from './client.js';

/**
 * Stages a component batch at a line, scanned in by `by`. A batch already staged at the line is not staged twice.
 * @returns the staged row, or `already-staged` with who staged it when.
 * @throws the database's error.
 */
export async function stageBatch(db: Db, site: string, line: string, b: StageBatchBody, by: string): Promise<StagedBatchView | { alreadyStaged: StagedBatchView }> {
  const [row] = await db.insert(stagedBatches)
    .values({ siteCode: site, lineCode: line, material: b.material, batch: b.batch, quantity: b.quantity, unit: b.unit, source: 'scan', stagedBy: by })
    .onConflictDoNothing()
    .returning();
  if (row) return viewOf(row, '0');
  const [there] = await listStaged(db, site, line, { material: b.material, batch: b.batch });
  return { alreadyStaged: there! };
}

function viewOf(r: typeof stagedBatches.$inferSelect, used: string): StagedBatchView {
  return {
    site: r.siteCode, line: r.lineCode, material: r.material, batch: r.batch, quantity: canonicalDecimal(r.quantity),
    remaining: fromThousandths(Math.max(0, toThousandths(r.quantity) - toThousandths(used))), unit: r.unit,
    source: r.source === 'erp' ? 'erp' : 'scan', erpOrderId: r.erpOrderId, stagedBy: r.stagedBy, stagedAt: r.stagedAt.toISOString(),
  };
}

/** The batches staged at a line with what is left of each (quantity minus standing consumptions), first staged first. */
export async function listStaged(db: Db, site: string, line: string, only: { material?: string; batch?: string } = {}): Promise<StagedBatchView[]> {
  const rows = await db
    .select({ row: stagedBatches, used: sql<string>`coalesce(sum(${batchConsumptions.quantity}), 0)` })
    .from(stagedBatches)
    .leftJoin(batchConsumptions, and(eq(batchConsumptions.stagedBatchId, stagedBatches.id), isNull(batchConsumptions.reversedAt)))
    .where(and(eq(stagedBatches.siteCode, site), eq(stagedBatches.lineCode, line),
      only.material ? eq(stagedBatches.material, only.material) : undefined, only.batch ? eq(stagedBatches.batch, only.batch) : undefined))
    .groupBy(stagedBatches.id)
    .orderBy(asc(stagedBatches.stagedAt), asc(stagedBatches.id));
  return rows.map((r) => viewOf(r.row, r.used));
}
