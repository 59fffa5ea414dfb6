import { describe, expect, it } from 'vitest';
import { FaultInjector } from '../../../simulators/erp/faults.js';

describe('FaultInjector', () => {
  it('replays the same decisions for the same seed', () => {
    const a = new FaultInjector({ errorRate: 0.3, replyLossRate: 0.1, seed: 42 });
    const b = new FaultInjector({ errorRate: 0.3, replyLossRate: 0.1, seed: 42 });
    const seqA = Array.from({ length: 50 }, () => a.decide());
    expect(Array.from({ length: 50 }, () => b.decide())).toEqual(seqA);
  });

  it('fails and loses replies at about the configured rates', () => {
    const f = new FaultInjector({ errorRate: 0.3, replyLossRate: 0.1, seed: 1 });
    for (let i = 0; i < 10_000; i++) f.decide();
    expect(f.counts.error / 10_000).toBeCloseTo(0.3, 1);
    // Reply loss applies to the posts that did not fail first: 0.7 * 0.1.
    expect(f.counts['lose-reply'] / 10_000).toBeCloseTo(0.07, 1);
  });

  it('commits late at about lateCommitRate of the posts that neither fail nor lose their reply, and draws nothing for it when 0', () => {
    const f = new FaultInjector({ errorRate: 0.3, replyLossRate: 0.1, lateCommitRate: 0.5, seed: 3 });
    for (let i = 0; i < 10_000; i++) f.decide();
    expect(f.counts['late-commit'] / 10_000).toBeCloseTo(0.7 * 0.9 * 0.5, 1);
    // Without late commits a seeded plan decides exactly as before late commits existed.
    const plain = new FaultInjector({ errorRate: 0.3, replyLossRate: 0.1, seed: 42 });
    const zero = new FaultInjector({ errorRate: 0.3, replyLossRate: 0.1, lateCommitRate: 0, seed: 42 });
    expect(Array.from({ length: 50 }, () => zero.decide())).toEqual(Array.from({ length: 50 }, () => plain.decide()));
  });

  it('refuses goods movements by type and order, and answers one order as down', () => {
    const f = new FaultInjector({ rejectMovements: [{ movementType: '262', erpOrderId: '42' }, { movementType: '102' }], unavailableOrders: ['7'] });
    expect(f.movementRejection('42', '262')).toMatch(/262 of order 42/);
    expect(f.movementRejection('43', '262')).toBeUndefined();
    expect(f.movementRejection('42', '261')).toBeUndefined();
    expect(f.movementRejection(undefined, '102')).toMatch(/102/);
    expect([f.orderUnavailable('7'), f.orderUnavailable('42'), f.orderUnavailable(undefined)]).toEqual([true, false, false]);
    expect(() => new FaultInjector({ rejectMovements: [{ movementType: '999' as '262' }] })).toThrow(/movementType/);
  });

  it('refuses a rate outside 0..1, naming it', () => {
    expect(() => new FaultInjector({ errorRate: 1.5 })).toThrow(/errorRate/);
  });
});
