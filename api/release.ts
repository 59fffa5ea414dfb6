import type { FastifyReply, FastifyRequest } from 'fastify';
import { checkRelease } from '../services/release-check.js';
import { startWorkOrder } from '../services/start-work-order.js';
import type { OrderReleased } from '../contracts/messages/order-release.js';
import { httpError } from '../http/problem.js';
import { audit } from './audit.js';
import type { ApiDeps } from './deps.js';

/**
 * A release taken over HTTP (by hand or by the ERP's webhook): audited, checked (services/release-check.ts), then the
 * same idempotent start as over NATS. 201 when it started the order, 200 when it existed or took the change; 422
 * naming `body.site` / `body.line` / `body.material` and what is known when the MES cannot place it; 409 when the
 * order is closed in the MES's records or the running order refused the change.
 * @param opts.report the refusal also goes to the exceptions stream (the ERP's webhook: no person reads its 4xx).
 */
export async function acceptRelease(deps: ApiDeps, req: FastifyRequest, reply: FastifyReply, action: string, release: OrderReleased, opts: { report?: boolean } = {}) {
  await audit(deps.db, req, action, `${release.site}/${release.erpOrderId}`, release);
  const refusal = await checkRelease(deps.db, release);
  if (refusal) {
    if (opts.report) await deps.reportRefusedRelease?.(release, refusal);
    throw httpError(refusal.status, refusal.message);
  }
  const r = await startWorkOrder(deps.client, release);
  if (r.refused) throw httpError(409, `the running order refused the changed release: ${r.refused}`);
  return reply.code(r.started ? 201 : 200).send(r);
}
