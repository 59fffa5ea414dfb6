import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PRODUCTION_ORDER_SERVICE } from '../../contracts/messages/sap-production-order.js';
import { applyFilter } from './app.js';
import { renderEntity, type EntityType } from './render.js';
import { SapBusinessError, type SapStore } from './store.js';
import { localize, type SapLanguage } from './units.js';

interface Helpers {
  root: string;
  origin: (req: FastifyRequest) => string;
  lang: (req: FastifyRequest) => SapLanguage;
  query: (req: FastifyRequest) => Record<string, string | undefined>;
}

/**
 * `$orderby=<Field> [asc|desc]` and `$top=<n>` on an already filtered collection, the subset the poller uses. Any
 * other `$orderby` is refused with Gateway's message, as an unsupported `$filter` is.
 */
function orderAndTop<T extends object>(rows: T[], orderby: string | undefined, top: string | undefined): T[] {
  let out = rows;
  if (orderby) {
    const m = /^(\w+)(?:\s+(asc|desc))?$/.exec(orderby.trim());
    if (!m) throw new SapBusinessError('/IWBEP/CM_MGW_RT/022', `Unsupported $orderby: ${orderby}`);
    const [, field, dir] = m;
    const sign = dir === 'desc' ? -1 : 1;
    out = [...rows].sort((a, b) => sign * String((a as Record<string, unknown>)[field!]).localeCompare(String((b as Record<string, unknown>)[field!])));
  }
  if (top !== undefined) {
    if (!/^\d+$/.test(top)) throw new SapBusinessError('/IWBEP/CM_MGW_RT/022', `Invalid $top: ${top}`);
    out = out.slice(0, Number(top));
  }
  return out;
}

/**
 * API_PRODUCTION_ORDER_2_SRV on the double: the three entity sets the SAP intake reads (A_ProductionOrder_2 with its
 * navigations to operations and components, A_ProductionOrderOperation_2, A_ProductionOrderComponent_4), as
 * collections with `$filter`, `$select`, `$orderby`, `$top`, and navigations deferred unless `$expand`ed. Read only:
 * orders are set up by tests through the store (`addProductionOrder`, `changeProductionOrder`).
 */
export function registerProductionOrders(app: FastifyInstance, store: SapStore, h: Helpers): void {
  const svc = `${h.root}/${PRODUCTION_ORDER_SERVICE}`;
  const operationType: EntityType = {
    service: svc, set: 'A_ProductionOrderOperation_2', type: `${PRODUCTION_ORDER_SERVICE}.A_ProductionOrderOperation_2Type`,
    keys: ['OrderInternalBillOfOperations', 'OrderIntBillOfOperationsItem'],
  };
  const componentType: EntityType = {
    service: svc, set: 'A_ProductionOrderComponent_4', type: `${PRODUCTION_ORDER_SERVICE}.A_ProductionOrderComponent_4Type`,
    keys: ['Reservation', 'ReservationItem', 'ReservationRecordType'],
  };
  const orderType: EntityType = {
    service: svc, set: 'A_ProductionOrder_2', type: `${PRODUCTION_ORDER_SERVICE}.A_ProductionOrder_2Type`, keys: ['ManufacturingOrder'],
    navigations: {
      to_ProductionOrderOperation: (o) => ({ type: operationType, rows: store.productionOrderOperations.filter((x) => x.ManufacturingOrder === o.ManufacturingOrder) }),
      to_ProductionOrderComponentExt4: (o) => ({ type: componentType, rows: store.productionOrderComponents.filter((x) => x.ManufacturingOrder === o.ManufacturingOrder) }),
    },
  };
  const collection = (t: EntityType, rows: object[]) => async (req: FastifyRequest) => {
    const q = h.query(req);
    const picked = orderAndTop(applyFilter(rows, q.$filter), q.$orderby, q.$top);
    return { d: { results: picked.map((r) => renderEntity(t, localize(r, h.lang(req)), { origin: h.origin(req), select: q.$select, expand: q.$expand })) } };
  };
  app.get(`${svc}/`, async () => ({ d: { EntitySets: ['A_ProductionOrder_2', 'A_ProductionOrderOperation_2', 'A_ProductionOrderComponent_4'] } }));
  // The collections are the store's arrays themselves, so a test's change shows on the next read.
  app.get(`${svc}/A_ProductionOrder_2`, (req) => collection(orderType, store.productionOrders)(req));
  app.get(`${svc}/A_ProductionOrderOperation_2`, (req) => collection(operationType, store.productionOrderOperations)(req));
  app.get(`${svc}/A_ProductionOrderComponent_4`, (req) => collection(componentType, store.productionOrderComponents)(req));
}
