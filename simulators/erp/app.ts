import { setTimeout as sleep } from 'node:timers/promises';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ConfirmationRequest,
  FaultPlan,
  GoodsMovementRequest,
  Posting,
  PostingList,
} from '../../contracts/messages/erp-sim.js';
import { problemHandler } from '../../http/problem.js';
import { FaultInjector } from './faults.js';
import type { SimLedger } from './ledger.js';

export interface ErpSimOptions {
  ledger: SimLedger;
  faults?: Partial<FaultPlan>;
  logger?: boolean;
}

const unavailable = (reply: FastifyReply, why: string) =>
  reply.code(503).type('application/problem+json').send({ type: 'about:blank', title: 'ErpUnavailable', status: 503, detail: why });

/**
 * The built-in ERP: accepts confirmations and goods movements into its own ledger, answers lookups by posting key,
 * and injects the faults a real ERP connection has (errors, latency, outage, a commit whose reply is lost).
 */
export function buildErpSimulator(opts: ErpSimOptions): FastifyInstance & { faults: FaultInjector } {
  const faults = new FaultInjector(opts.faults);
  const app = Fastify({ logger: opts.logger ?? false }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(problemHandler);

  // Outage and latency hit every ERP call, lookups included.
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.url.startsWith('/api/')) return;
    if (faults.plan.latencyMs > 0) await sleep(faults.plan.latencyMs);
    if (faults.plan.outage) return unavailable(reply, 'injected outage');
  });

  /** Runs a posting under the fault plan: fail before the commit, or commit and then drop the connection. */
  async function postWithFaults(req: FastifyRequest, reply: FastifyReply, commit: () => Promise<Posting>) {
    const decision = faults.decide();
    if (decision === 'error') return unavailable(reply, 'injected error before commit');
    const posting = await commit();
    if (decision === 'lose-reply') {
      reply.hijack();
      req.raw.socket.destroy();
      return;
    }
    return reply.code(201).send(posting);
  }

  app.post('/api/confirmations', { schema: { body: ConfirmationRequest, response: { 201: Posting } } }, (req, reply) =>
    postWithFaults(req, reply, () => opts.ledger.postConfirmation(req.body)),
  );
  app.post('/api/goods-movements', { schema: { body: GoodsMovementRequest, response: { 201: Posting } } }, (req, reply) =>
    postWithFaults(req, reply, () => opts.ledger.postGoodsMovement(req.body)),
  );
  app.get(
    '/api/postings',
    {
      schema: {
        querystring: z.object({ postingKey: z.string().min(1).optional(), erpOrderId: z.string().min(1).optional() }),
        response: { 200: PostingList },
      },
    },
    async (req) => ({
      postings: req.query.postingKey ? await opts.ledger.findByKey(req.query.postingKey) : await opts.ledger.list(req.query.erpOrderId),
    }),
  );
  app.get('/admin/faults', async () => ({ plan: faults.plan, counts: faults.counts }));
  app.put('/admin/faults', { schema: { body: FaultPlan } }, async (req) => ({ plan: faults.set(req.body) }));
  app.get('/health', async () => ({ ok: true }));
  return Object.assign(app, { faults });
}
