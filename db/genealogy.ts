import { and, asc, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { GenealogyOrder } from '../contracts/messages/genealogy.js';
import { canonicalDecimal } from '../contracts/decimal.js';
import { batchConsumptions, orderOutputs, orderSerials, workOrders } from '../schema/index.js';
import type { Db } from './client.js';

/** An order as the genealogy names it. */
interface OrderRef {
  site: string;
  erpOrderId: string;
}

const key = (o: OrderRef) => `${o.site}\u0000${o.erpOrderId}`;
const distinct = (refs: OrderRef[]) => [...new Map(refs.map((r) => [key(r), r])).values()].sort((a, b) => key(a).localeCompare(key(b)));

/**
 * One order on a genealogy path: its finished batches and serials (only `serial` when the query names one), the
 * component batches its standing 261s consumed, and the quality holds (with their dispositions) its read model holds.
 */
async function orderOf(db: Db, ref: OrderRef, serial?: string): Promise<GenealogyOrder> {
  const [outputs, serials, components, [row]] = await Promise.all([
    db.select().from(orderOutputs).where(and(eq(orderOutputs.siteCode, ref.site), eq(orderOutputs.erpOrderId, ref.erpOrderId))).orderBy(asc(orderOutputs.recordedAt)),
    db.select({ serial: orderSerials.serial }).from(orderSerials)
      .where(and(eq(orderSerials.siteCode, ref.site), eq(orderSerials.erpOrderId, ref.erpOrderId), isNotNull(orderSerials.postingKey), serial ? eq(orderSerials.serial, serial) : undefined))
      .orderBy(asc(orderSerials.position)),
    db.select({ material: batchConsumptions.material, batch: batchConsumptions.batch, unit: batchConsumptions.unit, quantity: sql<string>`sum(${batchConsumptions.quantity})`, line: sql<string>`min(${batchConsumptions.lineCode})` })
      .from(batchConsumptions)
      .where(and(eq(batchConsumptions.siteCode, ref.site), eq(batchConsumptions.erpOrderId, ref.erpOrderId), isNull(batchConsumptions.reversedAt)))
      .groupBy(batchConsumptions.material, batchConsumptions.batch, batchConsumptions.unit)
      .orderBy(asc(batchConsumptions.material), asc(sql`min(${batchConsumptions.id})`)),
    db.select({ line: workOrders.lineCode, material: workOrders.material, status: workOrders.statusDoc }).from(workOrders).where(and(eq(workOrders.siteCode, ref.site), eq(workOrders.erpOrderId, ref.erpOrderId))),
  ]);
  return {
    site: ref.site,
    erpOrderId: ref.erpOrderId,
    line: row?.line ?? outputs[0]?.lineCode ?? components[0]?.line ?? '',
    material: row?.material ?? outputs[0]?.material ?? '',
    batches: [...new Set(outputs.map((o) => o.batch))],
    serials: serials.map((s) => s.serial),
    components: components.map((c) => ({ material: c.material, batch: c.batch, quantity: canonicalDecimal(c.quantity), unit: c.unit })),
    quality: (row?.status?.qualityHolds ?? []) as GenealogyOrder['quality'],
  };
}

/** Forward: the orders whose standing 261s consumed component batch `batch` of `material`, with what they made. */
export async function usedComponentBatch(db: Db, material: string, batch: string): Promise<GenealogyOrder[]> {
  const refs = await db.selectDistinct({ site: batchConsumptions.siteCode, erpOrderId: batchConsumptions.erpOrderId }).from(batchConsumptions)
    .where(and(eq(batchConsumptions.material, material), eq(batchConsumptions.batch, batch), isNull(batchConsumptions.reversedAt)));
  return Promise.all(distinct(refs).map((r) => orderOf(db, r)));
}

/** Backward: the order(s) that made finished batch `batch` of `material`, with the components they consumed. */
export async function madeFinishedBatch(db: Db, material: string, batch: string): Promise<GenealogyOrder[]> {
  const refs = await db.selectDistinct({ site: orderOutputs.siteCode, erpOrderId: orderOutputs.erpOrderId }).from(orderOutputs)
    .where(and(eq(orderOutputs.material, material), eq(orderOutputs.batch, batch)));
  return Promise.all(distinct(refs).map((r) => orderOf(db, r)));
}

/** Backward: the order that made finished serial `serial` of `material` (one at most), with the components it consumed. */
export async function madeSerial(db: Db, material: string, serial: string): Promise<GenealogyOrder[]> {
  const refs = await db.select({ site: orderSerials.siteCode, erpOrderId: orderSerials.erpOrderId }).from(orderSerials)
    .where(and(eq(orderSerials.material, material), eq(orderSerials.serial, serial), isNotNull(orderSerials.postingKey)));
  return Promise.all(distinct(refs).map((r) => orderOf(db, r, serial)));
}
