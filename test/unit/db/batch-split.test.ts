import { describe, expect, it } from 'vitest';
import { splitFifo } from '../../../db/batch-split.js';
import { finishedBatchOf } from '../../../contracts/finished-batch.js';
import { counterSerial } from '../../../db/order-output.js';

describe('splitFifo: a component issue over the batches staged at the line', () => {
  const staged = [{ id: 1, batch: 'S-A', remaining: 1_500 }, { id: 2, batch: 'S-B', remaining: 100_000 }];
  it('takes the first staged batch first and splits when it runs out', () => {
    expect(splitFifo(1_000, staged)).toEqual([{ id: 1, batch: 'S-A', quantity: 1_000 }]);
    expect(splitFifo(2_500, staged)).toEqual([{ id: 1, batch: 'S-A', quantity: 1_500 }, { id: 2, batch: 'S-B', quantity: 1_000 }]);
  });
  it('skips used-up batches and charges what no batch has left to the last staged one', () => {
    expect(splitFifo(500, [{ id: 1, batch: 'S-A', remaining: 0 }, { id: 2, batch: 'S-B', remaining: 200 }])).toEqual([{ id: 2, batch: 'S-B', quantity: 500 }]);
    expect(splitFifo(500, [{ id: 1, batch: 'S-A', remaining: 100 }, { id: 2, batch: 'S-B', remaining: 0 }]))
      .toEqual([{ id: 1, batch: 'S-A', quantity: 100 }, { id: 2, batch: 'S-B', quantity: 400 }]);
  });
  it('charges nothing when no batch is staged', () => {
    expect(splitFifo(500, [])).toEqual([]);
  });
});

describe('finished batch and counter serials of an order', () => {
  it('the order number without leading zeros, within SAP CHARG 10 and SERNR 18', () => {
    expect(finishedBatchOf('000001000123')).toBe('1000123');
    expect(finishedBatchOf('12345678901')).toBe('O345678901');
    expect(counterSerial('000001000123', 7)).toBe('1000123-00007');
    expect(counterSerial('123456789012', 99_999).length).toBe(18);
  });
});
