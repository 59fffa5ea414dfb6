import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErpRejected, ErpReplyUnreadable } from '../../../contracts/erp-port.js';
import { RestErpAdapter } from '../../../erp/rest/adapter.js';

// A REST ERP whose look-up answers outside the contract (a posting without its document number).
let server: Server;
let baseUrl = '';
beforeAll(async () => {
  server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ postings: [{ postingKey: 'wo#1', kind: 'confirmation' }] })));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

describe('REST ERP replies', () => {
  it('a reply outside the contract is a refusal a person sees, naming the call and the field, not a retry without end', async () => {
    const err = await new RestErpAdapter({ baseUrl }).findPostings('wo#1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ErpReplyUnreadable);
    expect(err).toBeInstanceOf(ErpRejected);
    expect((err as Error).message).toMatch(/ERP rest GET \/api\/postings: reply not readable: postings\[0\]\.document/);
  });
});
