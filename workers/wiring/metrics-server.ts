import { createServer } from 'node:http';
import type { Registry } from 'prom-client';

/** Serves `/metrics` (Prometheus text) and `/health` on loopback unless told otherwise. */
export async function serveMetrics(registry: Registry, port: number, host = '127.0.0.1') {
  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      registry.metrics().then(
        (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
        (err: Error) => res.writeHead(500).end(err.message),
      );
    } else if (req.url === '/health') res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return { stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
