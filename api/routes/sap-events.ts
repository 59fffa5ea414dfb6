import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErpRejected } from '../../contracts/erp-port.js';
import { SapProductionOrderEvent } from '../../contracts/messages/sap-event.js';
import { parseJson } from '../../contracts/parse.js';
import { httpError } from '../../http/problem.js';
import { InvalidRelease, takeSapEvent } from '../../services/sap-intake.js';
import { audit } from '../audit.js';
import type { ApiDeps } from '../deps.js';

/** What the intake did with the event (services/sap-intake.ts `IntakeResult`). */
const IntakeAnswer = z.object({
  erpOrderId: z.string(),
  outcome: z.enum(['started', 'updated', 'unchanged', 'closed', 'not-released']),
  workflowId: z.string().optional(),
  signalled: z.boolean().optional(),
});

/**
 * SAP's production order business events over HTTP (an SAP Event Mesh webhook subscription, CloudEvents structured
 * mode): the same intake as over NATS. 201 when the event started the order, 200 when it changed, closed or already
 * knew it (a redelivery), 404 when SAP does not show the order yet (the webhook delivers again), 422 when no line
 * runs it, SAP's order makes no release or the release check finds its site, line or material unknown, 409 when the
 * order is closed in the MES's records or the running order refused the change, 503 without an SAP intake. A release
 * the release check refuses also goes to the exceptions stream, as the ERP webhook's (no person reads a webhook's 4xx).
 */
export function sapEventRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    // Event Mesh may send structured CloudEvents with their own media type.
    app.addContentTypeParser('application/cloudevents+json', { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, parseJson(body as string, 'body'));
      } catch (err) {
        done(Object.assign(err as Error, { statusCode: 400 }), undefined);
      }
    });
    app.post('/webhooks/sap/events', {
      schema: { body: SapProductionOrderEvent, response: { 200: IntakeAnswer, 201: IntakeAnswer }, tags: ['erp'], summary: 'SAP production order business event (CloudEvents)' },
      config: { roles: ['integration'] },
    }, async (req, reply) => {
      if (!deps.sapIntake) throw httpError(503, 'no SAP intake: the ERP adapter is not s4hana or no plant file was loaded');
      await audit(deps.db, req, 'sap-event', `sap/${req.body.data.ProductionOrder}`, req.body);
      let r;
      try {
        r = await takeSapEvent(deps.sapIntake, req.body);
      } catch (err) {
        if (err instanceof InvalidRelease || err instanceof ErpRejected) throw httpError(422, err.message);
        throw err;
      }
      if (r.outcome === 'unknown-order') throw httpError(404, `data.ProductionOrder: ${r.reason ?? 'unknown order'}`);
      if (r.outcome === 'unplaced' || r.outcome === 'closed-in-mes') {
        // Refused by the release check (closed-in-mes always is): the refusal's status, and a person is told.
        if (r.refusal && r.release) {
          await deps.reportRefusedRelease?.(r.release, r.refusal);
          throw httpError(r.refusal.status, r.refusal.message);
        }
        throw httpError(422, `data.ProductionOrder: ${r.reason ?? 'no line runs it'}`);
      }
      if (r.outcome === 'refused') throw httpError(409, `the running order refused SAP's change: ${r.reason ?? ''}`);
      return reply.code(r.outcome === 'started' ? 201 : 200).send({ ...r, outcome: r.outcome });
    });
  };
}
