import { createServer, type Server } from 'node:http';
import type { EdgeMetrics } from './metrics.js';

const gauge = async (g: EdgeMetrics['natsUp']) => (await g.get()).values[0]?.value ?? 0;

/**
 * The gateway's health as one object: ok when every endpoint has a session whose subscription delivers, and
 * JetStream takes events, and no tag was refused. `subscriptionsStalled` appears only while a subscription is dead,
 * `tagsRefused` only when a tag is not read because its configuration does not fit its node (see the log).
 */
export async function edgeHealth(m: EdgeMetrics) {
  const stalled = await gauge(m.subscriptionsStalled);
  const refused = await gauge(m.tagsRefused);
  const h = {
    endpointsConnected: await gauge(m.endpointsConnected),
    endpointsConfigured: await gauge(m.endpointsConfigured),
    natsUp: (await gauge(m.natsUp)) === 1,
    bufferEvents: await gauge(m.bufferDepth),
    ...(stalled > 0 ? { subscriptionsStalled: stalled } : {}),
    ...(refused > 0 ? { tagsRefused: refused } : {}),
  };
  return { ok: h.natsUp && h.endpointsConnected === h.endpointsConfigured && stalled === 0 && refused === 0, ...h };
}

/**
 * `GET /metrics` (Prometheus text) and `GET /health` (JSON; 503 while degraded, so a supervisor or load balancer can
 * act on it). Loopback by default: metrics name machines and endpoints.
 */
export function startHealthServer(m: EdgeMetrics, port: number, host = '127.0.0.1'): Promise<Server> {
  const server = createServer((req, res) => {
    const route = req.url?.split('?')[0];
    const reply = async () => {
      if (route === '/metrics') {
        res.writeHead(200, { 'content-type': m.registry.contentType }).end(await m.registry.metrics());
      } else if (route === '/health') {
        const h = await edgeHealth(m);
        res.writeHead(h.ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(h));
      } else res.writeHead(404).end();
    };
    reply().catch((err: Error) => res.writeHead(500).end(err.message));
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}
