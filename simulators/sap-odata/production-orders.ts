import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PRODUCTION_ORDER_SERVICE } from '../../contracts/messages/sap-production-order.js';
import { applyFilter } from './app.js';
import { renderEntity, type EntityType } from './render.js';
import { orderAndTop, pageOf } from './paging.js';
import type { SapStore } from './store.js';
import { localize, type SapLanguage } from './units.js';

interface Helpers {
  root: string;
  origin: (req: FastifyRequest) => string;
  lang: (req: FastifyRequest) => SapLanguage;
  query: (req: FastifyRequest) => Record<string, string | undefined>;
  /** Server-driven paging: at most this many entities per reply, the rest behind `__next` (paging.ts). */
  pageSize?: number;
}

/**
 * API_PRODUCTION_ORDER_2_SRV on the double: the three entity sets the SAP intake reads (A_ProductionOrder_2 with its
 * navigations to operations and components, A_ProductionOrderOperation_2, A_ProductionOrderComponent_4), as
 * collections with `$filter`, `$select`, `$orderby`, `$top`, server-driven paging (`__next`), and navigations deferred unless `$expand`ed. Read only:
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
    const page = pageOf(orderAndTop(applyFilter(rows, q.$filter), q.$orderby, q.$top), new URL(req.url, h.origin(req)), h.pageSize);
    const results = page.rows.map((r) => renderEntity(t, localize(r, h.lang(req)), { origin: h.origin(req), select: q.$select, expand: q.$expand }));
    return { d: { results, ...(page.next ? { __next: page.next } : {}) } };
  };
  app.get(`${svc}/`, async () => ({ d: { EntitySets: ['A_ProductionOrder_2', 'A_ProductionOrderOperation_2', 'A_ProductionOrderComponent_4'] } }));
  // The collections are the store's arrays themselves, so a test's change shows on the next read.
  app.get(`${svc}/A_ProductionOrder_2`, (req) => collection(orderType, store.productionOrders)(req));
  app.get(`${svc}/A_ProductionOrderOperation_2`, (req) => collection(operationType, store.productionOrderOperations)(req));
  app.get(`${svc}/A_ProductionOrderComponent_4`, (req) => collection(componentType, store.productionOrderComponents)(req));
}
