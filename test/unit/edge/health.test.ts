import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startHealthServer } from '../../../edge/health.js';
import { createEdgeMetrics } from '../../../edge/metrics.js';

let close: (() => void) | undefined;
afterEach(() => close?.());

describe('edge health server', () => {
  it('answers /health with 503 while an endpoint has no session or JetStream does not take events, 200 when both are up', async () => {
    const m = createEdgeMetrics();
    const server = await startHealthServer(m, 0);
    close = () => server.close();
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const health = async () => {
      const r = await fetch(`${base}/health`);
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    m.endpointsConfigured.set(2);
    m.endpointsConnected.set(1);
    m.natsUp.set(1);
    m.bufferDepth.set(7);
    expect(await health()).toEqual({
      status: 503,
      body: { ok: false, endpointsConnected: 1, endpointsConfigured: 2, natsUp: true, bufferEvents: 7 },
    });
    m.endpointsConnected.set(2);
    m.natsUp.set(0);
    expect((await health()).status).toBe(503);
    m.natsUp.set(1);
    expect(await health()).toMatchObject({ status: 200, body: { ok: true } });
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('mes_edge_buffer_events 7');
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});
