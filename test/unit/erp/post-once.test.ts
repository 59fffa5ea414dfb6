import { describe, expect, it } from 'vitest';
import { postOnce } from '../../../erp/post-once.js';
import type { ErpAdapter, ErpDocument } from '../../../contracts/erp-port.js';

/** A ledger in memory: pure logic under test is the look-up-before-post rule, not HTTP. */
function memoryErp(): Pick<ErpAdapter, 'findPostings' | 'postConfirmation' | 'postGoodsMovement'> & { docs: ErpDocument[] } {
  const docs: ErpDocument[] = [];
  const post = async (req: { postingKey: string }) => {
    const d = { document: `D${docs.length + 1}`, postingKey: req.postingKey };
    docs.push(d);
    return d;
  };
  return { docs, findPostings: async (k) => docs.filter((d) => d.postingKey === k), postConfirmation: post, postGoodsMovement: post };
}

describe('postOnce', () => {
  it('posts when the key is unknown, and only finds the document on a retry', async () => {
    const erp = memoryErp();
    const req = { postingKey: 'wo#1', erpOrderId: '1', operation: '0010', yieldQty: '5', scrapQty: '0', unit: 'PC', isFinal: true };
    const first = await postOnce(erp, 'wo#1', () => erp.postConfirmation(req));
    const retry = await postOnce(erp, 'wo#1', () => erp.postConfirmation(req));
    expect(first).toEqual({ document: 'D1', postingKey: 'wo#1', replayed: false });
    expect(retry).toEqual({ document: 'D1', postingKey: 'wo#1', replayed: true });
    expect(erp.docs).toHaveLength(1);
  });
});
