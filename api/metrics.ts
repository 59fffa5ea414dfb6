import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, type Registry } from 'prom-client';

/** Prometheus metrics of the planner API's HTTP requests (prom-client), on `registry`. */
export function createApiMetrics(registry: Registry) {
  return {
    requests: new Counter({
      name: 'mes_api_requests_total',
      help: 'HTTP requests answered, by method, route template (unmatched: no route) and status code',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    seconds: new Histogram({
      name: 'mes_api_request_seconds',
      help: 'Time to answer an HTTP request, by method and route template',
      labelNames: ['method', 'route'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    }),
  };
}
export type ApiMetrics = ReturnType<typeof createApiMetrics>;

/**
 * Counts and times every answered request in a Fastify `onResponse` hook. Routes are labelled by their template
 * (`/orders/:erpOrderId`), never the URL, so an order number does not become a label value.
 */
export function recordRequests(app: FastifyInstance, m: ApiMetrics): void {
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    m.requests.inc({ method: req.method, route, status: String(reply.statusCode) });
    m.seconds.observe({ method: req.method, route }, reply.elapsedTime / 1_000);
  });
}
