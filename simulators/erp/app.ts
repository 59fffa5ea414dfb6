import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { blockedStockDeficit, takesBlockedStock } from './blocked-stock.js';
import { ConfirmationRequest, DowntimeRequest, GoodsMovementRequest, PostingKind, QualityNotificationRequest } from '../../contracts/erp-port.js';
import type { FaultPlan } from '../../contracts/messages/erp-sim.js';
import { Posting, PostingList } from '../../contracts/messages/erp-rest.js';
import { problemHandler } from '../../http/problem.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyRequest } from '../../erp/rest/hmac.js';
import { installFaults, postWithFaults, type FaultHttpOptions } from './fault-http.js';
import type { FaultInjector } from './faults.js';
import { AlreadyCancelled, type SimLedger } from './ledger.js';

export interface ErpSimOptions {
  ledger: SimLedger;
  faults?: Partial<FaultPlan>;
  logger?: boolean;
  /** When set, every `/api/` request must carry a valid HMAC signature, as the generic REST ERP demands. */
  hmacSecret?: string;
}

const problem = (reply: FastifyReply, status: number, title: string, detail: string) =>
  reply.code(status).type('application/problem+json').send({ type: 'about:blank', title, status, detail });

/**
 * A posting dated in a closed period (FaultPlan `closedPeriods`), refused as the REST contract says an ERP refuses it:
 * 422 problem with title `PeriodClosed` (docs/erp-rest.md), so the adapter can post it again in an open period.
 */
const periodClosed = (faults: FaultInjector, reply: FastifyReply, postingDate: string | undefined) => {
  const closed = faults.closedPeriod(postingDate);
  if (!closed) return undefined;
  return problem(reply, 422, 'PeriodClosed', `Posting period ${closed} is closed for postings (posting date ${postingDate ?? 'today'})`);
};

const faultHttp: FaultHttpOptions = {
  prefix: '/api/',
  unavailable: (reply, why) => problem(reply, 503, 'ErpUnavailable', why),
};

/**
 * The built-in ERP: accepts confirmations and goods movements into its own ledger, answers lookups by posting key,
 * and injects the faults a real ERP connection has (errors, latency, outage, a commit whose reply is lost).
 */
export function buildErpSimulator(opts: ErpSimOptions): FastifyInstance & { faults: FaultInjector } {
  const app = Fastify({ logger: opts.logger ?? false }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(problemHandler);
  const faults = installFaults(app, opts.faults, faultHttp);
  if (opts.hmacSecret) requireSignatures(app, opts.hmacSecret);

  app.post('/api/confirmations', { schema: { body: ConfirmationRequest, response: { 201: Posting } } }, async (req, reply) => {
    if (faults.orderUnavailable(req.body.erpOrderId)) return faultHttp.unavailable(reply, `injected outage for order ${req.body.erpOrderId}`);
    const rejected = faults.rejection(req.body.erpOrderId);
    if (rejected) return problem(reply, 422, 'ErpRejected', rejected);
    return periodClosed(faults, reply, req.body.postingDate) ||
      postWithFaults(faults, faultHttp, req, reply, () => opts.ledger.postConfirmation(req.body), (p) => reply.code(201).send(p));
  });
  app.post('/api/goods-movements', { schema: { body: GoodsMovementRequest, response: { 201: Posting } } }, async (req, reply) => {
    if (faults.orderUnavailable(req.body.erpOrderId)) return faultHttp.unavailable(reply, `injected outage for order ${req.body.erpOrderId ?? ''}`);
    // The order's books are read only for a movement out of blocked stock, not for every backflush and receipt.
    const rejected = faults.movementRejection(req.body.erpOrderId, req.body.movementType) ??
      (takesBlockedStock(req.body) ? blockedStockDeficit(req.body, await opts.ledger.list({ erpOrderId: req.body.erpOrderId, kind: 'goods-movement' })) : null);
    if (rejected) return problem(reply, 422, 'ErpRejected', rejected);
    return periodClosed(faults, reply, req.body.postingDate) ||
      postWithFaults(faults, faultHttp, req, reply, () => opts.ledger.postGoodsMovement(req.body), (p) => reply.code(201).send(p));
  });
  app.post(
    '/api/confirmations/:document/cancel',
    { schema: { params: z.object({ document: z.string().min(1).max(40) }), response: { 201: Posting } } },
    (req, reply) =>
      postWithFaults(faults, faultHttp, req, reply, async () => {
        try {
          return await opts.ledger.cancelConfirmation(req.params.document);
        } catch (err) {
          if (err instanceof AlreadyCancelled) return err;
          throw err;
        }
      }, (p) => {
        if (p === null) return problem(reply, 404, 'NotFound', `no confirmation ${req.params.document}`);
        if (p instanceof AlreadyCancelled) return problem(reply, 422, 'ErpRejected', p.message);
        return reply.code(201).send(p);
      }),
  );
  app.post('/api/quality-notifications', { schema: { body: QualityNotificationRequest, response: { 201: Posting } } }, async (req, reply) => {
    const rejected = faults.materialRejection(req.body.material, req.body.plant);
    if (rejected) return problem(reply, 422, 'ErpRejected', rejected);
    return postWithFaults(faults, faultHttp, req, reply, () => opts.ledger.raiseQualityNotification(req.body), (p) => reply.code(201).send(p));
  });
  app.post('/api/downtime', { schema: { body: DowntimeRequest, response: { 201: Posting } } }, (req, reply) =>
    postWithFaults(faults, faultHttp, req, reply, () => opts.ledger.postDowntime(req.body), (p) => reply.code(201).send(p)),
  );
  app.get(
    '/api/postings',
    {
      schema: {
        querystring: z.object({
          postingKey: z.string().min(1).optional(),
          erpOrderId: z.string().min(1).optional(),
          kind: PostingKind.optional(),
          plant: z.string().min(1).optional(),
        }),
        response: { 200: PostingList },
      },
    },
    async (req) => {
      const { postingKey, ...filter } = req.query;
      return { postings: postingKey ? await opts.ledger.findByKey(postingKey, filter.kind) : await opts.ledger.list(filter) };
    },
  );
  return Object.assign(app, { faults });
}

/** Keeps the raw body (the signature covers the bytes sent, not a re-serialization) and refuses unsigned calls. */
function requireSignatures(app: FastifyInstance, secret: string): void {
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    (req as { rawBody?: string }).rawBody = body as string;
    try {
      done(null, body === '' ? undefined : JSON.parse(body as string));
    } catch (err) {
      done(Object.assign(err as Error, { statusCode: 400 }), undefined);
    }
  });
  app.addHook('preHandler', async (req, reply) => {
    if (!req.url.startsWith('/api/')) return;
    const header = (h: string) => (typeof req.headers[h] === 'string' ? (req.headers[h] as string) : undefined);
    const ok = verifyRequest(secret, {
      method: req.method, pathWithQuery: req.url, body: (req as { rawBody?: string }).rawBody ?? '',
      timestamp: header(TIMESTAMP_HEADER), signature: header(SIGNATURE_HEADER),
    });
    if (!ok) return problem(reply, 401, 'Unauthorized', 'missing or invalid request signature');
  });
}
