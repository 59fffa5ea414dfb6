import { and, count, eq, gte, lte, max, sql } from 'drizzle-orm';
import type { OrderOutput, OrderOutputInput } from '../contracts/messages/genealogy.js';
import { materials, orderOutputs, orderSerials } from '../schema/index.js';
import type { Db } from './client.js';
import { bareOrder, finishedBatchOf } from '../contracts/finished-batch.js';

/**
 * The serial number the order's counter gives its unit at `position` (from 1): `<order>-<position, 5 digits>`, at
 * most 18 characters (SAP SERNR) for SAP's 12-character order numbers.
 */
export const counterSerial = (erpOrderId: string, position: number): string => `${bareOrder(erpOrderId)}-${String(position).padStart(5, '0')}`;


/**
 * Records what one confirmation made, once per confirmation key: its finished batch (the ERP's, else finishedBatchOf)
 * and, for a serialized material, a serial number for each unit of its yield: the one assigned through the API for
 * that position, else the order's counter's (counterSerial). A second call under the same key answers what the first
 * recorded. Answers the batch and the number of serials (OrderOutput), not the serials.
 * @throws the database's error (nothing written).
 */
export async function recordOrderOutput(db: Db, input: OrderOutputInput): Promise<OrderOutput> {
  return db.transaction(async (tx) => {
    const [done] = await tx.select().from(orderOutputs).where(eq(orderOutputs.postingKey, input.postingKey));
    const serialCount = async () =>
      (await tx.select({ n: count() }).from(orderSerials).where(eq(orderSerials.postingKey, input.postingKey)))[0]?.n ?? 0;
    if (done) return { batch: done.batch, serialCount: await serialCount() };
    const batch = input.batch ?? finishedBatchOf(input.erpOrderId);
    await tx.insert(orderOutputs).values({
      postingKey: input.postingKey, workflowId: input.workflowId, siteCode: input.site, erpOrderId: input.erpOrderId, lineCode: input.line,
      material: input.material, batch, yieldQty: String(input.yieldQty), unit: input.unit,
    });
    const [material] = await tx.select({ serialized: materials.serialized }).from(materials).where(eq(materials.code, input.material));
    if (!material?.serialized || input.yieldQty === 0) return { batch, serialCount: 0 };
    const first = input.confirmedBefore + 1;
    const last = input.confirmedBefore + input.yieldQty;
    const ofOrder = and(eq(orderSerials.siteCode, input.site), eq(orderSerials.erpOrderId, input.erpOrderId));
    // Serials assigned through the API for these positions are taken; the counter numbers the rest.
    await tx.update(orderSerials).set({ postingKey: input.postingKey }).where(and(ofOrder, gte(orderSerials.position, first), lte(orderSerials.position, last)));
    // The counter numbers the rest in one statement, as counterSerial does (5 digits, more past 99,999): a row per unit
    // built here would be 200,000 objects and bind parameters for a 200,000-piece confirmation (past PostgreSQL's
    // 65,535 per statement; it overflowed the stack building it).
    await tx.execute(sql`
      insert into ${orderSerials} (material, serial, site_code, erp_order_id, position, source, posting_key)
      select ${input.material}, ${bareOrder(input.erpOrderId)} || '-' || case when p < 100000 then lpad(p::text, 5, '0') else p::text end,
             ${input.site}, ${input.erpOrderId}, p, 'counter', ${input.postingKey}
      from generate_series(${first}::int, ${last}::int) as p
      on conflict (site_code, erp_order_id, position) do nothing`);
    return { batch, serialCount: await serialCount() };
  });
}

/**
 * Serial numbers assigned through the API to an order's next units: positions after the last one assigned or
 * confirmed. Returns the positions given.
 * @throws the database's error; a serial already assigned to any unit of the material violates order_serials_material_serial.
 */
export async function assignSerials(db: Db, site: string, erpOrderId: string, material: string, serials: string[]): Promise<number[]> {
  return db.transaction(async (tx) => {
    const ofOrder = and(eq(orderSerials.siteCode, site), eq(orderSerials.erpOrderId, erpOrderId));
    const [top] = await tx.select({ n: max(orderSerials.position) }).from(orderSerials).where(ofOrder);
    const from = (top?.n ?? 0) + 1;
    const rows = serials.map((serial, i) => ({ material, serial, siteCode: site, erpOrderId, position: from + i, source: 'api' }));
    await tx.insert(orderSerials).values(rows);
    return rows.map((r) => r.position);
  });
}
