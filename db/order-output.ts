import { and, asc, eq, gte, lte, max } from 'drizzle-orm';
import type { OrderOutput, OrderOutputInput } from '../contracts/messages/genealogy.js';
import { materials, orderOutputs, orderSerials } from '../schema/index.js';
import type { Db } from './client.js';

/**
 * The finished batch of an order whose ERP named none: the order number without its leading zeros (SAP AUFNR
 * `000001000123` -> `1000123`), the usual "batch = order" convention; an order number longer than SAP's 10-character
 * CHARG keeps its last 9 characters after an `O`. Deterministic: every confirmation of the order gets the same.
 */
export function finishedBatchOf(erpOrderId: string): string {
  const bare = erpOrderId.replace(/^0+(?=.)/, '');
  return bare.length <= 10 ? bare : `O${bare.slice(-9)}`;
}

/**
 * The serial number the order's counter gives its unit at `position` (from 1): `<order>-<position, 5 digits>`, at
 * most 18 characters (SAP SERNR) for SAP's 12-character order numbers.
 */
export const counterSerial = (erpOrderId: string, position: number): string => `${erpOrderId.replace(/^0+(?=.)/, '')}-${String(position).padStart(5, '0')}`;

/**
 * Records what one confirmation made, once per confirmation key: its finished batch (the ERP's, else finishedBatchOf)
 * and, for a serialized material, a serial number for each unit of its yield: the one assigned through the API for
 * that position, else the order's counter's (counterSerial). A second call under the same key answers what the first
 * recorded.
 * @throws the database's error (nothing written).
 */
export async function recordOrderOutput(db: Db, input: OrderOutputInput): Promise<OrderOutput> {
  return db.transaction(async (tx) => {
    const [done] = await tx.select().from(orderOutputs).where(eq(orderOutputs.postingKey, input.postingKey));
    const serialsOf = async () =>
      (await tx.select({ serial: orderSerials.serial }).from(orderSerials).where(eq(orderSerials.postingKey, input.postingKey)).orderBy(asc(orderSerials.position))).map((s) => s.serial);
    if (done) return { batch: done.batch, serials: await serialsOf() };
    const batch = input.batch ?? finishedBatchOf(input.erpOrderId);
    await tx.insert(orderOutputs).values({
      postingKey: input.postingKey, workflowId: input.workflowId, siteCode: input.site, erpOrderId: input.erpOrderId, lineCode: input.line,
      material: input.material, batch, yieldQty: String(input.yieldQty), unit: input.unit,
    });
    const [material] = await tx.select({ serialized: materials.serialized }).from(materials).where(eq(materials.code, input.material));
    if (!material?.serialized || input.yieldQty === 0) return { batch, serials: [] };
    const first = input.confirmedBefore + 1;
    const last = input.confirmedBefore + input.yieldQty;
    const ofOrder = and(eq(orderSerials.siteCode, input.site), eq(orderSerials.erpOrderId, input.erpOrderId));
    // Serials assigned through the API for these positions are taken; the counter numbers the rest.
    await tx.update(orderSerials).set({ postingKey: input.postingKey }).where(and(ofOrder, gte(orderSerials.position, first), lte(orderSerials.position, last)));
    const taken = new Set((await tx.select({ p: orderSerials.position }).from(orderSerials).where(and(ofOrder, gte(orderSerials.position, first), lte(orderSerials.position, last)))).map((r) => r.p));
    const fresh = [];
    for (let p = first; p <= last; p++) {
      if (!taken.has(p)) fresh.push({ material: input.material, serial: counterSerial(input.erpOrderId, p), siteCode: input.site, erpOrderId: input.erpOrderId, position: p, source: 'counter', postingKey: input.postingKey });
    }
    if (fresh.length > 0) await tx.insert(orderSerials).values(fresh);
    return { batch, serials: await serialsOf() };
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
