import type { FastifyInstance } from 'fastify';

/** An exception as the supervisor page expects the inbox to list it (ui/exceptions.js). */
export interface StubException {
  id: string;
  kind: string;
  severity: string;
  site: string;
  line: string | null;
  erpOrderId?: string;
  state: 'open' | 'acknowledged';
  count: number;
  summary: string;
  actions: string[];
}

/**
 * Stand-in for the exception inbox's list and acknowledge routes (issue 14 item 1, built beside the page), serving
 * the shape the page documents, so its exception panel is exercised before the inbox lands. Each exception is shown
 * only to the bearer tokens given with it (the real inbox scopes by the token's places). Registers nothing when the
 * API already has `GET /exceptions`: then the real inbox answers. Call before the app is ready.
 * @returns the ids acknowledged, in order, with the token that did it; null when the real inbox is there.
 */
export function stubExceptionInbox(app: FastifyInstance, exceptions: Array<{ exception: StubException; tokens: string[] }>): Array<{ id: string; token: string }> | null {
  if (app.hasRoute({ method: 'GET', url: '/exceptions' })) return null;
  const acks: Array<{ id: string; token: string }> = [];
  const bearer = (h: string | undefined) => (h ?? '').replace(/^Bearer /, '');
  app.get('/exceptions', { schema: { hide: true } }, async (req) => {
    const q = req.query as { site?: string; line?: string; state?: string };
    const token = bearer(req.headers.authorization);
    return {
      items: exceptions
        .filter((x) => x.tokens.includes(token) && x.exception.site === q.site && (!q.line || x.exception.line === q.line) && (!q.state || x.exception.state === q.state))
        .map((x) => x.exception),
    };
  });
  app.post('/exceptions/:id/ack', { schema: { hide: true } }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const token = bearer(req.headers.authorization);
    const hit = exceptions.find((x) => x.exception.id === id && x.tokens.includes(token));
    if (!hit) return reply.code(404).send({ title: 'Not Found', status: 404, detail: `exception ${id} not found` });
    hit.exception.state = 'acknowledged';
    acks.push({ id, token });
    return hit.exception;
  });
  return acks;
}
