import Fastify from 'fastify';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createApiMetrics, recordRequests } from '../../../api/metrics.js';

describe('planner API request metrics', () => {
  it('count answers by method, route template and status, and time them, without putting ids in labels', async () => {
    const registry = new Registry();
    const app = Fastify();
    recordRequests(app, createApiMetrics(registry));
    app.get('/orders/:erpOrderId', async (req, reply) => ((req.params as { erpOrderId: string }).erpOrderId === '404' ? reply.code(404).send({}) : { ok: true }));
    await app.inject({ method: 'GET', url: '/orders/7100001' });
    await app.inject({ method: 'GET', url: '/orders/7100002' });
    await app.inject({ method: 'GET', url: '/orders/404' });
    await app.inject({ method: 'GET', url: '/nothing-here' });
    await app.close();

    const text = await registry.metrics();
    expect(text).toMatch(/^mes_api_requests_total\{method="GET",route="\/orders\/:erpOrderId",status="200"\} 2$/m);
    expect(text).toMatch(/^mes_api_requests_total\{method="GET",route="\/orders\/:erpOrderId",status="404"\} 1$/m);
    expect(text).toMatch(/^mes_api_requests_total\{method="GET",route="unmatched",status="404"\} 1$/m);
    expect(text).toMatch(/^mes_api_request_seconds_count\{method="GET",route="\/orders\/:erpOrderId"\} 3$/m);
    expect(text).not.toMatch(/7100001/);
  });
});
