import { afterAll, beforeAll } from 'vitest';
import { S4HanaErpAdapter } from '../../erp/s4hana/adapter.js';
import { buildSapDouble } from '../../simulators/sap-odata/app.js';

export const SAP_CREDS = { user: 'MES_COMM', password: 's3cret', client: '100' };

/**
 * The SAP test double on a free loopback port for one test file's tests, and adapters logged on to it; the adapter
 * speaks real HTTP to it (CSRF, cookies, auth, envelopes and errors on the wire).
 */
export function useSapDouble() {
  let sap: ReturnType<typeof buildSapDouble> | undefined;
  let baseUrl = '';
  beforeAll(async () => {
    sap = buildSapDouble(SAP_CREDS);
    baseUrl = await sap.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await sap?.close();
  });
  return {
    get sap() {
      return sap!;
    },
    get baseUrl() {
      return baseUrl;
    },
    adapter: () => new S4HanaErpAdapter({ baseUrl, client: SAP_CREDS.client, auth: { kind: 'basic', user: SAP_CREDS.user, password: SAP_CREDS.password } }),
  };
}
