import { describe, expect, it } from 'vitest';
import type { QualityHold } from '../../../../contracts/messages/work-order-status.js';
import { heldStockTruth } from '../../../../services/reconciliation/hold-truth.js';

const hold = (id: number, over: Partial<QualityHold>): QualityHold =>
  ({ id, quantity: 5, defectText: 'x', requestedBy: 'qa', notification: 'QN', disposition: null, ...over });

describe('heldStockTruth', () => {
  const holds = [
    hold(2, { quantity: 15, disposition: 'release', blockedStock: { received: 15, settled: 'released' } }),
    hold(3, { quantity: 6, disposition: 'scrap', blockedStock: { received: 6, settled: 'scrapped' } }),
    hold(4, { quantity: 4, blockedStock: { received: 3, settled: null } }),
    hold(5, { quantity: 8, disposition: 'rework', reworkOperation: '0900', reworkConfirmation: '49000001' }),
    hold(6, { quantity: 9, disposition: 'rework', reworkOperation: '0900', reworkConfirmation: null }),
  ];

  it('counts rework yield, units still blocked, and units received beyond the confirmed yield', () => {
    expect(heldStockTruth({ phase: 'running', operation: '0010', qualityHolds: holds, receivedAhead: 10 }))
      .toEqual({ operation: '0010', reworkConfirmed: 8, blocked: 3, receivedBeyondConfirmed: 3 + 6 + 10 });
  });

  it('keeps a released hold\'s units in blocked stock until its 343, received ahead of their confirmation only after it', () => {
    const released = [hold(7, { quantity: 4, disposition: 'release', blockedStock: { received: 4, settled: null } })];
    expect(heldStockTruth({ phase: 'running', operation: '0010', qualityHolds: released, receivedAhead: 0 }))
      .toEqual({ operation: '0010', reworkConfirmed: 0, blocked: 4, receivedBeyondConfirmed: 4 });
  });

  it('expects nothing of a cancelled order: its postings were taken back', () => {
    expect(heldStockTruth({ phase: 'cancelled', operation: '0010', qualityHolds: holds, receivedAhead: 10 }))
      .toEqual({ operation: '0010', reworkConfirmed: 0, blocked: 0, receivedBeyondConfirmed: 0 });
  });
});
