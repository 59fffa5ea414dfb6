import { describe, expect, it } from 'vitest';
import { ErpPeriodClosed, ErpRejected, type ConfirmationRequest } from '../../../contracts/erp-port.js';
import { postInOpenPeriod } from '../../../erp/posting-period.js';

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
