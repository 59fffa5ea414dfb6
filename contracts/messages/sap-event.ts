import { z } from 'zod';

/**
 * An SAP S/4HANA business event about a production order, as SAP publishes it through SAP Event Mesh / the
 * enterprise event enablement: a CloudEvents 1.0 JSON envelope (`specversion`, `type`, `source`, `id`, `time`,
 * `datacontenttype`) whose `data` names the order, not the order itself. The type follows SAP's scheme
 * `sap.s4.beh.<object>.v1.<Object>.<Operation>.v1` (for a release: `sap.s4.beh.productionorder.v1.ProductionOrder.
 * Released.v1`); the intake accepts every operation of the production order object (created, changed, released,
 * technically completed, ...), because it reads the order's current state anyway (services/sap-intake.ts).
 * Fixture: test/fixtures/erp/s4hana/production-order-released.event.json.
 */
export const SAP_PRODUCTION_ORDER_EVENT = /^sap\.s4\.beh\.productionorder\.v1\.ProductionOrder\.[A-Za-z]+\.v1$/;

/** SAP's order number as it is shown: CHAR 12 with ALPHA conversion, so `000001000123` and `1000123` are one order. */
const OrderNumber = z
  .string()
  .regex(/^[0-9A-Z]{1,12}$/, 'must be 1-12 of 0-9 and A-Z (SAP AUFNR)')
  .transform((v) => (/^\d+$/.test(v) ? v.replace(/^0+(?=\d)/, '') : v));

export const SapProductionOrderEvent = z.object({
  specversion: z.literal('1.0', { error: 'must be 1.0 (CloudEvents)' }),
  type: z.string().regex(SAP_PRODUCTION_ORDER_EVENT, 'must be an SAP production order event like sap.s4.beh.productionorder.v1.ProductionOrder.Released.v1'),
  source: z.string().min(1),
  /** Unique per event at its source: with `source`, the event's identity (CloudEvents). */
  id: z.string().min(1),
  time: z.iso.datetime({ offset: true }).optional(),
  datacontenttype: z.string().optional(),
  /**
   * The event names the order, not the order: SAP's production order events carry its number as `ProductionOrder`;
   * the manufacturing order APIs and events of newer releases call the same AUFNR `ManufacturingOrder`. Either is
   * taken (an independent SAP stand-in may send the other); the intake sees `ProductionOrder`.
   */
  data: z
    .object({ ProductionOrder: OrderNumber.optional(), ManufacturingOrder: OrderNumber.optional() })
    .refine((d) => d.ProductionOrder !== undefined || d.ManufacturingOrder !== undefined, {
      message: 'must name the order as ProductionOrder (or ManufacturingOrder)',
      path: ['ProductionOrder'],
    })
    .transform((d) => ({ ProductionOrder: (d.ProductionOrder ?? d.ManufacturingOrder)! })),
});
export type SapProductionOrderEvent = z.infer<typeof SapProductionOrderEvent>;

/** True when a parsed JSON message looks like a CloudEvent (has `specversion`), not like the MES's own release. */
export const isCloudEvent = (v: unknown): boolean => typeof v === 'object' && v !== null && 'specversion' in v;
