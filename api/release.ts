import type { FastifyReply, FastifyRequest } from 'fastify';
import { startWorkOrder } from '../services/start-work-order.js';
import type { OrderReleased } from '../contracts/messages/order-release.js';
import { httpError } from '../http/problem.js';
import { audit } from './audit.js';
import type { ApiDeps } from './deps.js';

/**
 * A release taken over HTTP (by hand or by the ERP's webhook): audited, then the same idempotent start as over NATS.
 * 201 when it started the order, 200 when it existed or took the change, 409 when the running order refused it.
 */
export async function acceptRelease(deps: ApiDeps, req: FastifyRequest, reply: FastifyReply, action: string, release: OrderReleased) {
  await audit(deps.db, req, action, `${release.site}/${release.erpOrderId}`, release);
  const r = await startWorkOrder(deps.client, release);
  if (r.refused) throw httpError(409, `the running order refused the changed release: ${r.refused}`);
  return reply.code(r.started ? 201 : 200).send(r);
}
