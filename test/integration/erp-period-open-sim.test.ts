import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErpPeriodClosed, ErpPeriodNotYetOpen, type ConfirmationRequest } from '../../contracts/erp-port.js';
import { postInOpenPeriod } from '../../erp/posting-period.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';

/**
 * Issue 18 review, finding 7, against the built-in ERP simulator (the policy is every ERP's): a period the ERP has not
 * opened yet is retried, not moved back; a 4-4-5 period end is passed with the plant file's period starts.
 */
describe('posting periods against the ERP simulator', () => {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await startTestEngine({ erp: 'sim' });
  });
  afterAll(async () => {
    await engine?.stop();
  });
  const conf = (postingKey: string, postingDate: string): ConfirmationRequest => ({
    postingKey, erpOrderId: '1700001', operation: '0010', yieldQty: '2', scrapQty: '0', unit: 'PC', isFinal: false, postingDate,
  });

  it('Tokyo at 02:30 on 1 April (17:30 UTC on 31 March), April not open: pending, never posted into March', async () => {
    engine.erpFaults.set({ closedPeriods: ['2026-04'] });
    const err = await postInOpenPeriod(conf('period-sim#1', '2026-04-01'), (r) => engine.erp.postConfirmation(r), undefined, Date.parse('2026-03-31T17:30:00Z')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ErpPeriodNotYetOpen);
    expect(await engine.erp.findPostings('period-sim#1')).toEqual([]);
  });

  it('4-4-5: period 3 to 4 April; 20 March posts on 5 April with the period starts, parks without', async () => {
    engine.erpFaults.set({ closedPeriods: [], closedBefore: '2026-04-05' });
    const now = Date.parse('2026-04-10T12:00:00Z');
    await expect(postInOpenPeriod(conf('period-sim#2', '2026-03-20'), (r) => engine.erp.postConfirmation(r), undefined, now)).rejects.toBeInstanceOf(ErpPeriodClosed);
    await postInOpenPeriod(conf('period-sim#3', '2026-03-20'), (r) => engine.erp.postConfirmation(r), undefined, now, ['2026-03-01', '2026-04-05', '2026-05-03']);
    const posted = (await engine.erp.listOrderPostings('1700001')).filter((p) => p.kind === 'confirmation');
    expect(posted).toEqual([expect.objectContaining({ yieldQty: '2', postingDate: '2026-04-05' })]);
  });
});
