import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoodsMovementRequest } from '../../../contracts/erp-port.js';
import { RestErpAdapter } from '../../../erp/rest/adapter.js';

// A REST ERP that records what it is sent and lists a blocked receipt, a release and a confirmation with its operation.
const received: unknown[] = [];
const posting = (over: object) => ({
  document: 'D1', postingKey: 'k', kind: 'goods-movement', erpOrderId: '1000600', yieldQty: null, scrapQty: null, movementType: '101',
  isFinal: null, items: [{ material: 'BRACKET-A', quantity: '10', unit: 'PC' }], postedAt: '2026-11-30T10:00:00Z', ...over,
});
let server: Server;
let baseUrl = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.method === 'POST') received.push(JSON.parse(body));
      const reply = req.method === 'POST' ? posting({}) : { postings: [
        posting({ document: 'D1', stockType: 'blocked' }),
        posting({ document: 'D2', movementType: '343' }),
        posting({ document: 'C1', kind: 'confirmation', movementType: null, yieldQty: '10', scrapQty: '0', isFinal: false, items: null, operation: '0020' }),
      ] };
      res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

describe('REST ERP: blocked stock', () => {
  it('sends a receipt\'s stock type as it is, and reads stockType and operation back where the ERP sends them', async () => {
    const erp = new RestErpAdapter({ baseUrl });
    await erp.postGoodsMovement(GoodsMovementRequest.parse({
      postingKey: 'hold:1000600#1', erpOrderId: '1000600', movementType: '101', stockType: 'blocked', items: [{ material: 'BRACKET-A', quantity: '10', unit: 'PC' }],
    }));
    expect(received.at(-1)).toMatchObject({ movementType: '101', stockType: 'blocked' });
    const listed = await erp.listOrderPostings('1000600');
    expect(listed.map((p) => [p.document, p.movementType, p.stockType, p.operation])).toEqual([
      ['D1', '101', 'blocked', undefined],
      ['D2', '343', undefined, undefined],
      ['C1', null, undefined, '0020'],
    ]);
  });
});
