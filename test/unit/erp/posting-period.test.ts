import { describe, expect, it } from 'vitest';
import { ErpPeriodClosed, ErpPeriodNotYetOpen, ErpRejected, ErpUnavailable, type ConfirmationRequest, type GoodsMovementRequest } from '../../../contracts/erp-port.js';
import { plantDate } from '../../../contracts/plant-date.js';
import { postInOpenPeriod } from '../../../erp/posting-period.js';
import { S4HanaErpAdapter } from '../../../erp/s4hana/adapter.js';
import { sapError } from '../../../erp/s4hana/sap-errors.js';
import { sapDate } from '../../../erp/s4hana/sap-fields.js';
import { buildSapDouble } from '../../../simulators/sap-odata/app.js';
import { SAP_CREDS } from '../../helpers/sap-double.js';
import { addSapOrder } from '../../helpers/sap-orders.js';

const request: ConfirmationRequest = {
  postingKey: 'work-order:plant1:1#1', erpOrderId: '1', operation: '0010', yieldQty: '5', scrapQty: '0', unit: 'PC', isFinal: true, postingDate: '2026-02-27',
};
const NOW = Date.parse('2026-04-02T08:00:00Z');

describe('closed-period policy', () => {
  it('posts in the first open period with the production\'s date kept as the document date', async () => {
    const closed = new Set(['2026-02', '2026-03']);
    const sent: ConfirmationRequest[] = [];
    const doc = await postInOpenPeriod(request, async (r) => {
      sent.push(r);
      if (closed.has(r.postingDate!.slice(0, 7))) throw new ErpPeriodClosed(`Posting period ${r.postingDate!.slice(0, 7)} is closed`);
      return { document: 'D1', postingKey: r.postingKey };
    }, undefined, NOW);
    expect(doc.document).toBe('D1');
    expect(sent.map((r) => [r.postingDate, r.documentDate])).toEqual([['2026-02-27', undefined], ['2026-03-01', '2026-02-27'], ['2026-04-01', '2026-02-27']]);
  });

  it('leaves every other refusal, and a period still closed today, to a person', async () => {
    await expect(postInOpenPeriod(request, async () => { throw new ErpRejected('Order 1 is locked by BOB'); }, undefined, NOW)).rejects.toThrow(/locked/);
    let calls = 0;
    await expect(postInOpenPeriod(request, async () => { calls += 1; throw new ErpPeriodClosed('closed'); }, undefined, NOW)).rejects.toBeInstanceOf(ErpPeriodClosed);
    expect(calls).toBe(3); // 27 Feb, 1 Mar, 1 Apr: nothing later than the current month
  });
});

// Issue 18 review, finding 7: the reviewer's values.
describe('a period SAP has not opened yet, and periods that are not calendar months', () => {
  const m7053 = JSON.stringify({ error: { code: 'M7/053', message: { lang: 'en', value: 'Posting only possible in periods 2026/03 and 2026/02 in company code 1010' }, innererror: { errordetails: [{ code: 'M7/053', message: 'Posting only possible in periods 2026/03 and 2026/02 in company code 1010', severity: 'error' }] } } });

  it('Tokyo at 02:30 on 1 April (17:30 UTC 31 March), SAP\'s MM period still 2026/03: retried until MMPV opens April, never moved back', async () => {
    const now = Date.parse('2026-03-31T17:30:00Z');
    const date = plantDate(now, 'Asia/Tokyo');
    expect(date).toBe('2026-04-01');
    const tried: string[] = [];
    const err = await postInOpenPeriod({ ...request, postingDate: date }, async (r) => {
      tried.push(r.postingDate!);
      throw sapError('SAP POST API_MATERIAL_DOCUMENT_SRV/A_MaterialDocumentHeader', 400, m7053);
    }, undefined, now).catch((e: unknown) => e);
    expect(tried).toEqual(['2026-04-01']);
    expect(err).toBeInstanceOf(ErpPeriodNotYetOpen);
    expect(err).toBeInstanceOf(ErpUnavailable); // retried by the activity, pending with its reason
    expect(err).toMatchObject({ status: 400, messageId: 'M7/053' });
    expect((err as Error).message).toMatch(/posting date 2026-04-01: its period is not open in the ERP yet; retried until it opens: .*periods 2026\/03 and 2026\/02/);
    // Once SAP opened April (MMPV ran), the same request posts on the production's date.
    expect(await postInOpenPeriod({ ...request, postingDate: date }, async (r) => r.postingDate, undefined, Date.parse('2026-03-31T23:05:00Z'))).toBe('2026-04-01');
  });

  it('a 4-4-5 calendar (period 3 to 4 April, period 4 from 5 April), today 10 April: posted on 5 April with the plant file\'s periods', async () => {
    const periods = ['2026-01-04', '2026-02-01', '2026-03-01', '2026-04-05', '2026-05-03'];
    const tried: string[] = [];
    const post = async (r: ConfirmationRequest) => {
      tried.push(r.postingDate!);
      if (r.postingDate! < '2026-04-05') throw new ErpPeriodClosed('F5/201 Posting period 003 2026 is not open');
      return r;
    };
    const posted = await postInOpenPeriod({ ...request, postingDate: '2026-03-20' }, post, undefined, Date.parse('2026-04-10T12:00:00Z'), periods);
    expect(tried).toEqual(['2026-03-20', '2026-04-05']);
    expect([posted.postingDate, posted.documentDate]).toEqual(['2026-04-05', '2026-03-20']);
    // Without the calendar the month starts miss period 4 (1 April is still period 3): a person is told.
    tried.length = 0;
    await expect(postInOpenPeriod({ ...request, postingDate: '2026-03-20' }, post, undefined, Date.parse('2026-04-10T12:00:00Z'))).rejects.toBeInstanceOf(ErpPeriodClosed);
    expect(tried).toEqual(['2026-03-20', '2026-04-01']);
  });

  it('against the SAP double: a period not open yet (the current month closed) is retried, a 4-4-5 period end is passed with the calendar', async () => {
    const sap = buildSapDouble(SAP_CREDS);
    const baseUrl = await sap.listen({ host: '127.0.0.1', port: 0 });
    try {
      addSapOrder(sap.store, '1600001', 10, '0000900001');
      const erp = new S4HanaErpAdapter({ baseUrl, client: SAP_CREDS.client, auth: { kind: 'basic', user: SAP_CREDS.user, password: SAP_CREDS.password } });
      const movement = (postingKey: string, postingDate: string): GoodsMovementRequest => ({
        postingKey, erpOrderId: '1600001', movementType: '261', plant: '1010', storageLocation: '0002', postingDate, items: [{ material: 'SCREW-M6', quantity: '4', unit: 'PC' }],
      });
      // The Tokyo plant's 1 April at 17:30 UTC on 31 March; SAP has not opened April.
      sap.faults.set({ closedPeriods: ['2026-04'] });
      const err = await postInOpenPeriod(movement('period#1', '2026-04-01'), (r) => erp.postGoodsMovement(r), undefined, Date.parse('2026-03-31T17:30:00Z')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ErpPeriodNotYetOpen);
      expect(err).toMatchObject({ messageId: 'M7/053' });
      sap.faults.set({ closedPeriods: [], closedBefore: '2026-04-05' });
      const doc = await postInOpenPeriod(movement('period#2', '2026-03-20'), (r) => erp.postGoodsMovement(r), undefined, Date.parse('2026-04-10T12:00:00Z'), ['2026-03-01', '2026-04-05']);
      expect(sap.store.materialDocuments.find((d) => `${d.MaterialDocument}/${d.MaterialDocumentYear}` === doc.document)).toMatchObject({ PostingDate: sapDate('2026-04-05'), DocumentDate: sapDate('2026-03-20') });
    } finally {
      await sap.close();
    }
  });
});
