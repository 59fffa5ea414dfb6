import type { z } from 'zod';
import { ErpOrder, ErpReplyUnreadable, type OrderChange, type OrderChangeCursor } from '../../contracts/erp-port.js';
import { canonicalDecimal } from '../../contracts/decimal.js';
import { describeIssues } from '../../contracts/parse.js';
import { selectOf, SapOrderNumber } from '../../contracts/messages/sap-odata.js';
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

/** SAP's movement type of a goods issue to a production order: the only components the backflush issues. */
const GOODS_ISSUE_TO_ORDER = '261';

const byOrder = (order: string) => `ManufacturingOrder eq ${odataString(order)}`;
/** `(ProductionPlant eq '1010' or ProductionPlant eq '1020')`: the plants whose orders are this MES's. */
const ofPlants = (plants: readonly string[]) => `(${plants.map((p) => `ProductionPlant eq ${odataString(p)}`).join(' or ')})`;
/** What the poll reads of every changed header first: enough to name the order and order the changes. */
const ChangedHeader = ProductionOrder2Read.pick({ ManufacturingOrder: true, ProductionPlant: true, LastChangeDateTime: true }).loose();

/**
 * Reads production orders through API_PRODUCTION_ORDER_2_SRV: the header (A_ProductionOrder_2), its operations
 * (A_ProductionOrderOperation_2) and its components with their reservations (A_ProductionOrderComponent_4), each with
 * `$filter` by order and `$select` of what the reply schemas read, every collection through
 * `ODataSession.collection` (server-driven paging followed). Components marked for deletion, those not marked for
 * backflush (MatlCompIsMarkedForBackflush: a person withdraws them in SAP), and those SAP does not issue with
 * movement type 261 (GoodsMovementType: a 531 by-product or co-product is received, not issued), are left out.
 * Units come back as the MES names them (`SapUnits.fromSap`, by ISO code first). Planned start and end are SAP's
 * date and time in the plant's time zone (`zones`: ERP plant -> IANA zone, from the plant file; UTC without one).
 */
export class SapProductionOrders {
  constructor(
    private readonly session: ODataSession,
    private readonly units: SapUnits,
    private readonly zones: Readonly<Record<string, string>> = {},
  ) {}

  /**
   * The order as SAP holds it now; null when SAP has none with that number.
   * @throws ErpRejected for an order number SAP cannot hold (AUFNR) or a reply the port cannot take
   *   (`ErpReplyUnreadable`, naming the field); ErpUnavailable when SAP cannot be reached.
   */
  async read(erpOrderId: string, plants?: readonly string[]): Promise<ErpOrder | { otherPlant: string } | null> {
    const order = sapField(SapOrderNumber, erpOrderId, 'erpOrderId', `production order ${erpOrderId}`);
    const [header] = await this.headers(byOrder(order), ChangedHeader);
    if (!header) return null;
    if (plants && !plants.includes(header.ProductionPlant)) return { otherPlant: header.ProductionPlant };
    return this.complete(header);
  }

  /**
   * A page of released orders (OrderIsReleased 'X'; SAP keeps that status through technical completion and the
   * deletion flag) of `plants`, changed after `after` in (LastChangeDateTime, ManufacturingOrder) order, at most
   * `limit`. LastChangeDateTime has whole seconds and a mass release (COHV) stamps many orders with one: the order
   * number breaks the tie, so a keyset page never repeats or skips an order whatever the limit. SAP's `$filter`
   * takes the keyset as two reads joined by `and` only: the rest of `after`'s second by order number, then the
   * later seconds. Each change is read whole only when asked (`OrderChange.read`): one order SAP holds in a shape
   * the port cannot take (a unit the plant file does not map, a material code) fails alone.
   */
  async changedSince(after: OrderChangeCursor, limit: number, plants: readonly string[]): Promise<OrderChange[]> {
    if (plants.length === 0) return [];
    const released = `OrderIsReleased eq 'X' and ${ofPlants(plants)}`;
    const stamp = odataString(stampFromIso(after.changedAt));
    const order = '&$orderby=LastChangeDateTime asc,ManufacturingOrder asc';
    const rows = after.erpOrderId
      ? await this.headers(`${released} and LastChangeDateTime eq ${stamp} and ManufacturingOrder gt ${odataString(after.erpOrderId)}`, ChangedHeader, `${order}&$top=${limit}`)
      : [];
    if (rows.length < limit) rows.push(...(await this.headers(`${released} and LastChangeDateTime ${after.erpOrderId ? 'gt' : 'ge'} ${stamp}`, ChangedHeader, `${order}&$top=${limit - rows.length}`)));
    return rows.map((h) => ({
      erpOrderId: h.ManufacturingOrder,
      plant: h.ProductionPlant,
      changedAt: isoFromStamp(h.LastChangeDateTime) ?? after.changedAt,
      version: JSON.stringify(h),
      read: () => this.complete(h),
    }));
  }

  private async headers<S extends z.ZodType>(filter: string, schema: S, extra = ''): Promise<z.output<S>[]> {
    const path = odataQuery('A_ProductionOrder_2', filter, selectOf(ProductionOrder2Read)) + extra;
    return this.session.collection(PRODUCTION_ORDER_SERVICE, path, schema);
  }

  /** The order whole from its header as SAP sent it: checked field by field, then its operations and components. */
  private async complete(raw: unknown): Promise<ErpOrder> {
    const where = `SAP GET ${PRODUCTION_ORDER_SERVICE}/A_ProductionOrder_2`;
    const parsed = ProductionOrder2Read.safeParse(raw);
    if (!parsed.success) throw new ErpReplyUnreadable(where, describeIssues(parsed.error).map((i) => `${i.path}: ${i.message}`).join('; '));
    const h = parsed.data;
    const filter = byOrder(h.ManufacturingOrder);
    const [ops, comps] = await Promise.all([
      this.session.collection(PRODUCTION_ORDER_SERVICE, odataQuery('A_ProductionOrderOperation_2', filter, selectOf(ProductionOrderOperation2Read)), ProductionOrderOperation2Read),
      this.session.collection(PRODUCTION_ORDER_SERVICE, odataQuery('A_ProductionOrderComponent_4', filter, selectOf(ProductionOrderComponent4Read)), ProductionOrderComponent4Read),
    ]);
    const zone = this.zones[h.ProductionPlant] ?? 'UTC';
    const candidate = {
      erpOrderId: h.ManufacturingOrder,
      material: h.Material,
      plant: h.ProductionPlant,
      quantity: canonicalDecimal(h.TotalQuantity),
      unit: this.units.fromSap('A_ProductionOrder_2.ProductionUnit', h.ProductionUnit, h.ProductionUnitISOCode || undefined),
      plannedStart: isoFromSap(h.MfgOrderPlannedStartDate, h.MfgOrderPlannedStartTime, zone) ?? undefined,
      plannedEnd: isoFromSap(h.MfgOrderPlannedEndDate, h.MfgOrderPlannedEndTime, zone) ?? undefined,
      released: h.OrderIsReleased === 'X',
      technicallyCompleted: h.OrderIsTechnicallyCompleted === 'X',
      deletionFlag: h.OrderIsMarkedForDeletion === 'X',
      changedAt: isoFromStamp(h.LastChangeDateTime),
      operations: ops.map((o) => ({ operation: o.ManufacturingOrderOperation, ...(o.WorkCenter ? { workCenter: o.WorkCenter } : {}) })),
      components: comps
        // Only what SAP marks for backflush: the others are withdrawn by a person in SAP (picking), not by the MES.
        // Only goods issues (261): a by-product or co-product (531, negative RequiredQuantity) is a receipt from the
        // order, which the MES leaves to SAP (docs/erp-s4hana.md, "Orders from SAP: components and reservations").
        .filter((c) => !c.MatlCompIsMarkedForDeletion && c.MatlCompIsMarkedForBackflush && c.GoodsMovementType === GOODS_ISSUE_TO_ORDER)
        .map((c) => {
          const unit = this.units.fromSap('A_ProductionOrderComponent_4.BaseUnit', c.BaseUnit, c.BaseUnitISOCode || undefined);
          const decimals = this.units.decimals(unit);
          return {
            material: c.Material,
            requiredQty: canonicalDecimal(c.RequiredQuantity),
            withdrawnQty: canonicalDecimal(c.WithdrawnQuantity),
            unit,
            // The backflush rounds to the unit's decimals (plant file erpUnits, SAP T006 ANDEC).
            ...(decimals === undefined ? {} : { decimals }),
            ...(c.ManufacturingOrderOperation ? { operation: c.ManufacturingOrderOperation } : {}),
            ...(c.StorageLocation ? { storageLocation: c.StorageLocation } : {}),
            ...(c.Batch ? { batch: c.Batch } : {}),
            reservation: { reservation: c.Reservation, reservationItem: c.ReservationItem },
          };
        }),
    };
    // SAP's values checked against the port's shapes here, so the intake gets an order it can start.
    const r = ErpOrder.safeParse(candidate);
    if (!r.success) throw new ErpReplyUnreadable(where, describeIssues(r.error).map((i) => `${i.path}: ${i.message}`).join('; '));
    return r.data;
  }
}
