import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withAttemptDeadline } from '../../../erp/attempt-deadline.js';
import { ErpUnavailable } from '../../../contracts/erp-port.js';
import { RestErpAdapter } from '../../../erp/rest/adapter.js';

// An ERP that takes the request and never answers: only a deadline ends the call.
let server: Server;
let baseUrl: string;
beforeAll(async () => {
  server = createServer(() => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('attempt deadline', () => {
  it("cuts every ERP call of an attempt short of the attempt's timeout, whatever each call's own timeout", async () => {
    const erp = new RestErpAdapter({ baseUrl, timeoutMs: 10_000 });
    const t0 = performance.now();
    const err = await withAttemptDeadline(300, () => erp.findPostings('wo#1')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ErpUnavailable);
    expect(performance.now() - t0).toBeLessThan(2_000);
  });

  it('leaves calls outside an attempt to their own timeout', async () => {
    const erp = new RestErpAdapter({ baseUrl, timeoutMs: 400 });
    const t0 = performance.now();
    await expect(erp.findPostings('wo#1')).rejects.toBeInstanceOf(ErpUnavailable);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(350);
  });
});
