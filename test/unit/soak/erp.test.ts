import { describe, expect, it } from 'vitest';
import { readEnv } from '../../../workers/wiring/config.js';
import { portKind } from '../../../soak/evidence.js';
import { soakErp } from '../../../soak/erp.js';

describe('soak ERP', () => {
  it('gives the SAP double and the engine credentials of its own run, which a worker reads as the s4hana adapter', () => {
    const a = soakErp('s4hana', 4100);
    const b = soakErp('s4hana', 4100);
    expect(a.env.SAP_PASSWORD).not.toBe(b.env.SAP_PASSWORD);
    const env = readEnv({ DATABASE_URL: 'postgres://x@127.0.0.1/mes', ...a.env });
    expect({ adapter: env.MES_ERP_ADAPTER, url: env.SAP_BASE_URL, user: env.SAP_USER }).toEqual({ adapter: 's4hana', url: a.url, user: a.env.SAP_USER });
    expect(a.describe).not.toContain(a.env.SAP_PASSWORD);
    expect(a.part).toMatchObject({ name: 'sap-double', script: 'soak/sap-double.ts', env: { SOAK_SAP_PORT: '4100' } });
  });

  it('says the double lost its books when its process started again; the simulator keeps them in PostgreSQL', () => {
    expect(soakErp('s4hana', 4100).booksLost(1)).toBeUndefined();
    expect(soakErp('s4hana', 4100).booksLost(2)).toMatch(/started 2 times/);
    expect(soakErp('sim', 4100).booksLost(3)).toBeUndefined();
    expect(soakErp('sim', 4100).env).toEqual({ MES_ERP_ADAPTER: 'sim', MES_ERP_SIM_URL: 'http://127.0.0.1:4100' });
  });

  it('looks a ledger row up where the ERP keeps its kind', () => {
    expect(['confirmation', 'goods-issue', 'goods-receipt-reversal', 'correction-262', 'quality-notification', 'downtime', 'confirmation-cancellation'].map(portKind))
      .toEqual(['confirmation', 'goods-movement', 'goods-movement', 'goods-movement', 'quality-notification', 'downtime', undefined]);
    // Blocked stock (activities/erp-postings.ts): receipts, releases, scraps and their reversals are goods movements.
    expect(['blocked-receipt', 'blocked-release', 'blocked-scrap', 'blocked-reversal-344'].map(portKind)).toEqual(Array(4).fill('goods-movement'));
  });
});
