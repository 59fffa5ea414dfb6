import { ErpOrder, ErpReplyUnreadable } from '../../contracts/erp-port.js';
import { canonicalDecimal } from '../../contracts/decimal.js';
import { describeIssues } from '../../contracts/parse.js';
import { odataCollection, selectOf, SapOrderNumber } from '../../contracts/messages/sap-odata.js';
import {
  PRODUCTION_ORDER_SERVICE,
  ProductionOrder2Read,
  ProductionOrderComponent4Read,
  ProductionOrderOperation2Read,
} from '../../contracts/messages/sap-production-order.js';
import type { ODataSession } from './odata-session.js';
import { odataQuery, odataString } from './posting-ref.js';
import { isoFromSap, sapField } from './sap-fields.js';
import type { SapUnits } from './units.js';

/** LastChangeDateTime `YYYYMMDDhhmmss` (UTC) as ISO; undefined when SAP holds none. */
const isoFromStamp = (s: string) => (s.length === 14 ? `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(8, 10)}:${s.slice(10, 12)}:${s.slice(12, 14)}Z` : undefined);
/** An ISO instant as LastChangeDateTime's `YYYYMMDDhhmmss` (UTC), for `$filter ... ge`. */
export const stampFromIso = (iso: string): string => new Date(iso).toISOString().replace(/[-:T]/g, '').slice(0, 14);

const byOrder = (order: string) => `ManufacturingOrder eq ${odataString(order)}`;

/**
 * Reads production orders through API_PRODUCTION_ORDER_2_SRV: the header (A_ProductionOrder_2), its operations
 * (A_ProductionOrderOperation_2) and its components with their reservations (A_ProductionOrderComponent_4), each with
 * `$filter` by order and `$select` of what the reply schemas read. Components marked for deletion, and those not
 * marked for backflush (MatlCompIsMarkedForBackflush: a person withdraws them in SAP), are left out.
 * Units come back as the MES names them (`SapUnits.fromSap`, by ISO code first).
 */
export class SapProductionOrders {
  constructor(
    private readonly session: ODataSession,
    private readonly units: SapUnits,
  ) {}

  /**
   * The order as SAP holds it now; null when SAP has none with that number.
   * @throws ErpRejected for an order number SAP cannot hold (AUFNR) or a reply the port cannot take
   *   (`ErpReplyUnreadable`, naming the field); ErpUnavailable when SAP cannot be reached.
   */
  async read(erpOrderId: string): Promise<ErpOrder | null> {
    const order = sapField(SapOrderNumber, erpOrderId, 'erpOrderId', `production order ${erpOrderId}`);
    const [header] = await this.headers(byOrder(order));
    return header ? this.complete(header) : null;
  }

  /**
   * Released orders (OrderIsReleased 'X'; SAP keeps that status through technical completion and the deletion flag)
   * changed at or after `since` (ISO), oldest change first, at most `limit`.
   */
  async changedSince(since: string, limit: number): Promise<ErpOrder[]> {
    const headers = await this.headers(`OrderIsReleased eq 'X' and LastChangeDateTime ge ${odataString(stampFromIso(since))}`, `&$orderby=LastChangeDateTime asc&$top=${limit}`);
    const orders: ErpOrder[] = [];
    for (const h of headers) orders.push(await this.complete(h));
    return orders;
  }

  private async headers(filter: string, extra = ''): Promise<ProductionOrder2Read[]> {
    const path = odataQuery('A_ProductionOrder_2', filter, selectOf(ProductionOrder2Read)) + extra;
    return (await this.session.request('GET', PRODUCTION_ORDER_SERVICE, path, odataCollection(ProductionOrder2Read))).d.results;
  }

  private async complete(h: ProductionOrder2Read): Promise<ErpOrder> {
    const filter = byOrder(h.ManufacturingOrder);
    const [ops, comps] = await Promise.all([
      this.session.request('GET', PRODUCTION_ORDER_SERVICE, odataQuery('A_ProductionOrderOperation_2', filter, selectOf(ProductionOrderOperation2Read)), odataCollection(ProductionOrderOperation2Read)),
      this.session.request('GET', PRODUCTION_ORDER_SERVICE, odataQuery('A_ProductionOrderComponent_4', filter, selectOf(ProductionOrderComponent4Read)), odataCollection(ProductionOrderComponent4Read)),
    ]);
    const where = `SAP GET ${PRODUCTION_ORDER_SERVICE}/A_ProductionOrder_2`;
    const candidate = {
      erpOrderId: h.ManufacturingOrder,
      material: h.Material,
      plant: h.ProductionPlant,
      quantity: canonicalDecimal(h.TotalQuantity),
      unit: this.units.fromSap('A_ProductionOrder_2.ProductionUnit', h.ProductionUnit, h.ProductionUnitISOCode || undefined),
      plannedStart: isoFromSap(h.MfgOrderPlannedStartDate, h.MfgOrderPlannedStartTime) ?? undefined,
      plannedEnd: isoFromSap(h.MfgOrderPlannedEndDate, h.MfgOrderPlannedEndTime) ?? undefined,
      released: h.OrderIsReleased === 'X',
      technicallyCompleted: h.OrderIsTechnicallyCompleted === 'X',
      deletionFlag: h.OrderIsMarkedForDeletion === 'X',
      changedAt: isoFromStamp(h.LastChangeDateTime),
      operations: ops.d.results.map((o) => ({ operation: o.ManufacturingOrderOperation, ...(o.WorkCenter ? { workCenter: o.WorkCenter } : {}) })),
      components: comps.d.results
        // Only what SAP marks for backflush: the others are withdrawn by a person in SAP (picking), not by the MES.
        .filter((c) => !c.MatlCompIsMarkedForDeletion && c.MatlCompIsMarkedForBackflush)
        .map((c) => ({
          material: c.Material,
          requiredQty: canonicalDecimal(c.RequiredQuantity),
          withdrawnQty: canonicalDecimal(c.WithdrawnQuantity),
          unit: this.units.fromSap('A_ProductionOrderComponent_4.BaseUnit', c.BaseUnit, c.BaseUnitISOCode || undefined),
          ...(c.ManufacturingOrderOperation ? { operation: c.ManufacturingOrderOperation } : {}),
          ...(c.StorageLocation ? { storageLocation: c.StorageLocation } : {}),
          ...(c.Batch ? { batch: c.Batch } : {}),
          reservation: { reservation: c.Reservation, reservationItem: c.ReservationItem },
        })),
    };
    // SAP's values checked against the port's shapes here, so the intake gets an order it can start.
    const r = ErpOrder.safeParse(candidate);
    if (!r.success) throw new ErpReplyUnreadable(where, describeIssues(r.error).map((i) => `${i.path}: ${i.message}`).join('; '));
    return r.data;
  }
}
