import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { GoodsMovementItem } from '../contracts/erp-port.js';
import type { BatchAllocationInput } from '../contracts/messages/genealogy.js';
import { fromThousandths, toThousandths } from '../contracts/decimal.js';
import { batchConsumptions, stagedBatches } from '../schema/index.js';
import type { Db } from './client.js';
import { splitFifo } from './batch-split.js';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** What is left of each staged batch of a component at a line, locked, in staging order (first staged first). */
async function stagedLeft(tx: Tx, site: string, line: string, material: string) {
  const rows = await tx
    .select({ id: stagedBatches.id, batch: stagedBatches.batch, quantity: stagedBatches.quantity })
    .from(stagedBatches)
    .where(and(eq(stagedBatches.siteCode, site), eq(stagedBatches.lineCode, line), eq(stagedBatches.material, material)))
    .orderBy(asc(stagedBatches.stagedAt), asc(stagedBatches.id))
    .for('update');
  const used = await tx
    .select({ id: batchConsumptions.stagedBatchId, used: sql<string>`sum(${batchConsumptions.quantity})` })
    .from(batchConsumptions)
    .where(and(eq(batchConsumptions.siteCode, site), eq(batchConsumptions.lineCode, line), eq(batchConsumptions.material, material), isNull(batchConsumptions.reversedAt)))
    .groupBy(batchConsumptions.stagedBatchId);
  const usedOf = new Map(used.map((u) => [u.id, toThousandths(u.used)]));
  return rows.map((r) => ({ id: r.id, batch: r.batch, remaining: toThousandths(r.quantity) - (usedOf.get(r.id) ?? 0) }));
}

/** The items of a 261 as the consumption already recorded under its key shows them: each item split by its batches. */
function itemsFromRows(items: GoodsMovementItem[], rows: Array<typeof batchConsumptions.$inferSelect>): GoodsMovementItem[] {
  return items.flatMap((i, n) => {
    const mine = rows.filter((r) => r.itemNo === n).sort((a, b) => a.id - b.id);
    return mine.length === 0 ? [i] : mine.map((r) => ({ ...i, quantity: fromThousandths(toThousandths(r.quantity)), batch: r.batch }));
  });
}

/**
 * Chooses the component batches of one 261, once: an item whose ERP component names its batch keeps it; another is
 * split first in, first out over the batches staged at the line (splitFifo, db/batch-split.ts); a component with no
 * batch staged goes out as it was, without a batch. Written in one transaction with the staged rows locked, so two
 * orders of one line never draw the same remainder; a second call under the same posting key (a retry after a lost
 * reply) answers the choice already recorded. ERP-named batches are staged at the line first (`source` `erp`).
 * @returns the 261's items, a material split into one item per batch (quantities in thousandths add up to the item's).
 * @throws the database's error (nothing written).
 */
export async function allocateComponentBatches(db: Db, input: BatchAllocationInput): Promise<GoodsMovementItem[]> {
  return db.transaction(async (tx) => {
    const recorded = await tx.select().from(batchConsumptions).where(eq(batchConsumptions.postingKey, input.postingKey));
    if (recorded.length > 0) return itemsFromRows(input.items, recorded);
    for (const b of input.erpBatches) {
      await tx.insert(stagedBatches)
        .values({ siteCode: input.site, lineCode: input.line, material: b.material, batch: b.batch, quantity: b.quantity, unit: b.unit, source: 'erp', erpOrderId: input.erpOrderId, stagedBy: 'erp' })
        .onConflictDoNothing();
    }
    const out: GoodsMovementItem[] = [];
    const consumption = { postingKey: input.postingKey, workflowId: input.workflowId, siteCode: input.site, erpOrderId: input.erpOrderId, lineCode: input.line };
    for (const [itemNo, item] of input.items.entries()) {
      const staged = await stagedLeft(tx, input.site, input.line, item.material);
      const need = toThousandths(item.quantity);
      const shares = item.batch
        ? [{ id: staged.find((s) => s.batch === item.batch)?.id ?? null, batch: item.batch, quantity: need }]
        : splitFifo(need, staged);
      if (shares.length === 0) {
        out.push(item);
        continue;
      }
      for (const s of shares) {
        await tx.insert(batchConsumptions).values({ ...consumption, itemNo, material: item.material, batch: s.batch, quantity: fromThousandths(s.quantity), unit: item.unit, stagedBatchId: s.id });
        out.push({ ...item, quantity: fromThousandths(s.quantity), batch: s.batch });
      }
    }
    return out;
  });
}

/**
 * The 261 under `goodsIssueKey` was taken back (a 262 stands): its batches are no longer consumed and count as staged
 * again. Idempotent.
 */
export async function releaseComponentBatches(db: Db, goodsIssueKey: string): Promise<void> {
  await db.update(batchConsumptions).set({ reversedAt: new Date() }).where(and(eq(batchConsumptions.postingKey, goodsIssueKey), isNull(batchConsumptions.reversedAt)));
}
