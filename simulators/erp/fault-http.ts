import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FaultPlan } from '../../contracts/messages/erp-sim.js';
import { FaultInjector } from './faults.js';

/**
 * The HTTP side of fault injection, shared by every simulated ERP (the built-in one and the SAP test double), so
 * a test sets the same plan on either and gets the same failures.
 */
export interface FaultHttpOptions {
  /** Only URLs under this prefix are ERP calls; admin and health stay reachable during an outage. */
  prefix: string;
  /** How this ERP says "I am down" (problem+json for the simulator, an OData error for SAP). */
  unavailable(reply: FastifyReply, why: string): FastifyReply;
}

export function installFaults(app: FastifyInstance, plan: Partial<FaultPlan> | undefined, o: FaultHttpOptions): FaultInjector {
  const faults = new FaultInjector(plan);
  // Outage and latency hit every ERP call, lookups included.
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.url.startsWith(o.prefix)) return;
    if (faults.plan.latencyMs > 0) await sleep(faults.plan.latencyMs);
    if (faults.plan.outage) return o.unavailable(reply, 'injected outage');
  });
  app.get('/admin/faults', async () => ({ plan: faults.plan, counts: faults.counts }));
  app.put('/admin/faults', { schema: { body: FaultPlan } }, async (req) => ({ plan: faults.set(req.body as FaultPlan) }));
  app.get('/health', async () => ({ ok: true }));
  return faults;
}

/**
 * Runs a posting under the fault plan: fail before the commit, commit and then drop the connection, or commit
 * `lateCommitMs` after the request came in, whether or not the client is still waiting (a client that gave up finds
 * the connection answered by no one; the document is in the books all the same).
 */
export async function postWithFaults<T>(
  faults: FaultInjector,
  o: FaultHttpOptions,
  req: FastifyRequest,
  reply: FastifyReply,
  commit: () => Promise<T>,
  send: (result: T) => FastifyReply,
) {
  const decision = faults.decide();
  if (decision === 'error') return o.unavailable(reply, 'injected error before commit');
  if (decision === 'late-commit') await sleep(faults.plan.lateCommitMs);
  const result = await commit();
  if (decision === 'late-commit' && (req.raw.destroyed || req.raw.socket.destroyed)) {
    reply.hijack();
    return;
  }
  if (decision === 'lose-reply') {
    reply.hijack();
    req.raw.socket.destroy();
    return;
  }
  return send(result);
}
