import { describe, expect, it } from 'vitest';
import { ErpPeriodClosed, ErpRejected, ErpUnavailable } from '../../../contracts/erp-port.js';
import { sapError } from '../../../erp/s4hana/sap-errors.js';

const body = (code: string, value: string, details: string[] = []) => JSON.stringify({
  error: { code, message: { lang: 'en', value }, innererror: { errordetails: [code, ...details].map((c) => ({ code: c, message: value, severity: 'error' })) } },
});

describe('SAP closed posting periods', () => {
  it('reads M7/053, RU/428 and F5/201 as a closed period, which the policy posts in the first open one', () => {
    const mm = sapError('SAP POST A_MaterialDocumentHeader', 400, body('M7/053', 'Posting only possible in periods 2026/04 and 2026/03 in company code 1010'));
    expect(mm).toBeInstanceOf(ErpPeriodClosed);
    expect(mm).toMatchObject({ status: 400, messageId: 'M7/053', name: 'ErpRejected' });
    expect(sapError('SAP POST ProdnOrdConf2', 400, body('RU/428', 'Posting period 003 2026 is locked (check posting date)'))).toBeInstanceOf(ErpPeriodClosed);
    // Gateway framing around FI's own message: the detail decides.
    expect(sapError('SAP POST ProdnOrdConf2', 400, body('/IWBEP/CM_MGW_RT/000', 'Posting period 003 2026 is not open', ['F5/201']))).toBeInstanceOf(ErpPeriodClosed);
  });

  it('keeps other refusals and overrides as they were', () => {
    const other = sapError('SAP POST ProdnOrdConf2', 400, body('M7/021', 'Deficit of 8 PC unrestricted-use stock SCREW-M6 1010 0002'));
    expect(other).toBeInstanceOf(ErpRejected);
    expect(other).not.toBeInstanceOf(ErpPeriodClosed);
    expect(sapError('x', 400, body('M7/053', 'Posting only possible in periods'), { 'M7/053': 'transient' })).toBeInstanceOf(ErpUnavailable);
  });
});
