import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { OrderReleased } from '../../contracts/messages/order-release.js';
import { parseJson } from '../../contracts/parse.js';
import { webhookReceipts } from '../../schema/index.js';
import { httpError } from '../../http/problem.js';
import type { ApiDeps } from '../deps.js';
import { acceptRelease } from '../release.js';
import { StartResponse } from '../schemas/orders.js';

/** A webhook older or newer than this is refused: it bounds how long a captured request could be replayed. */
export const WEBHOOK_TOLERANCE_S = 300;

/** `sha256=<hex>` over `<timestamp>.<raw body>`, the scheme ERP middleware (and Stripe, GitHub) commonly use. */
export const signWebhook = (secret: string, timestamp: number, body: string): string =>
  `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;

const Headers = z.object({
  'x-mes-timestamp': z.coerce.number().int().positive(),
  'x-mes-signature': z.string().regex(/^sha256=[0-9a-f]{64}$/, 'must be sha256=<64 hex digits>'),
});

/** ERP release intake over HTTP: HMAC-signed, time-boxed, each signature accepted once; then the same idempotent start as NATS. */
export function erpWebhookRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    // The signature is over the exact bytes: keep the raw body beside the parsed one.
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
      try {
        (req as unknown as { rawBody: string }).rawBody = body as string;
        done(null, parseJson(body as string, 'body'));
      } catch (err) {
        done(Object.assign(err as Error, { statusCode: 400 }), undefined);
      }
    });
    app.post('/webhooks/erp/order-released', {
      schema: { headers: Headers, body: OrderReleased, response: { 200: StartResponse, 201: StartResponse }, tags: ['erp'], summary: 'ERP release webhook (HMAC); a release the MES cannot place (422) or of a closed order (409) also goes to the exceptions stream' },
    }, async (req, reply) => {
      if (!deps.webhookSecret) throw httpError(503, 'webhook secret not configured (MES_WEBHOOK_SECRET)');
      const ts = req.headers['x-mes-timestamp'] as unknown as number;
      const sig = req.headers['x-mes-signature'] as string;
      if (Math.abs(Date.now() / 1000 - ts) > WEBHOOK_TOLERANCE_S) throw httpError(401, `x-mes-timestamp: outside ±${WEBHOOK_TOLERANCE_S} s of server time`);
      const expected = Buffer.from(signWebhook(deps.webhookSecret, ts, (req as unknown as { rawBody: string }).rawBody));
      if (expected.length !== sig.length || !timingSafeEqual(expected, Buffer.from(sig))) throw httpError(401, 'x-mes-signature: does not match the body');
      const fresh = await deps.db.insert(webhookReceipts).values({ signature: sig }).onConflictDoNothing().returning();
      if (fresh.length === 0) throw httpError(409, 'x-mes-signature: this exact request was already received (replay)');
      return acceptRelease(deps, req, reply, 'release-webhook', req.body, { report: true });
    });
  };
}
