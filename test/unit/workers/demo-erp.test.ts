import { describe, expect, it } from 'vitest';
import { demoErp, readDemoEnv } from '../../../workers/wiring/config.js';

// Issue 18 item 0c: `npm start` posted to the built-in simulator whatever MES_ERP_ADAPTER said.
describe('npm start: the ERP it posts to', () => {
  const SIM = 'http://127.0.0.1:8089';

  it('posts to SAP S/4HANA when MES_ERP_ADAPTER=s4hana with the SAP_* settings, and says so without the password', () => {
    const env = readDemoEnv({ MES_ERP_ADAPTER: 's4hana', SAP_BASE_URL: 'https://s4.example.com', SAP_CLIENT: '100', SAP_USER: 'MES_COMM', SAP_PASSWORD: 'secret-pw' });
    const erp = demoErp(env, SIM);
    expect(erp.erp).toEqual({ adapter: 's4hana', baseUrl: 'https://s4.example.com', client: '100', auth: { kind: 'basic', user: 'MES_COMM', password: 'secret-pw' } });
    expect(erp.describe).toBe('SAP S/4HANA https://s4.example.com (MES_ERP_ADAPTER=s4hana, client 100, user MES_COMM)');
    expect(erp.describe).not.toContain('secret-pw');
  });

  it('refuses s4hana without its settings, naming each variable, before any server starts', () => {
    expect(() => readDemoEnv({ MES_ERP_ADAPTER: 's4hana' })).toThrow(/SAP_BASE_URL: required when MES_ERP_ADAPTER=s4hana.*SAP_USER: required/);
  });

  it('keeps the built-in simulator when nothing is named, and names it', () => {
    const erp = demoErp(readDemoEnv({}), SIM);
    expect(erp.erp).toBeUndefined();
    expect(erp.describe).toBe(`built-in ERP simulator ${SIM}/api/postings (MES_ERP_ADAPTER=sim)`);
  });

  it('posts to a REST ERP when MES_ERP_ADAPTER=rest', () => {
    const erp = demoErp(readDemoEnv({ MES_ERP_ADAPTER: 'rest', MES_ERP_REST_URL: 'https://erp.example.com', MES_ERP_REST_HMAC_SECRET: '0123456789abcdef' }), SIM);
    expect(erp.erp).toMatchObject({ adapter: 'rest', baseUrl: 'https://erp.example.com' });
    expect(erp.describe).toBe('REST ERP https://erp.example.com (MES_ERP_ADAPTER=rest, HMAC-signed)');
  });
});
