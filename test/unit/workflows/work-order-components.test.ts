import { describe, expect, it } from 'vitest';
import { completeOrderSignal, productionCountsSignal } from '../../../workflows/definitions.js';
import { resultOf, UNIT_WAIT_MS } from '../../helpers/workflow-result.js';
import { ev, fakeActivities, recordHistory, useTemporal, withPolicyOrder } from './work-order-harness.js';

useTemporal();

/**
 * The workflow's backflush of the ERP order's own components (issue 18 item 5, review findings 1 and 3): each 261 the
 * cumulative requirement minus what stands issued; a short completion after a partial posts no 261 but clears the
 * order's open reservations with its final confirmation.
 */
describe('work order backflush from the order components', () => {
  it('order of 3 confirmed 1 + 1, completed short at 2: the 261s add up to 2/3 of each requirement; the final clears reservations', async () => {
    const { posted, movements, activities } = fakeActivities({ rejectFirst: false });
    const reservation = (item: string) => ({ reservation: '12345', reservationItem: item });
    const components = [
      { material: 'LABEL-ROLL', requiredQty: '1', unit: 'PC', decimals: 0, reservation: reservation('0001') },
      { material: 'RESIN', requiredQty: '2.5', unit: 'KG', reservation: reservation('0002') },
      { material: 'SCREW', requiredQty: '1000', unit: 'PC', decimals: 0, reservation: reservation('0003') },
    ];
    await withPolicyOrder(activities, 'components-1', '3', { partialEvery: 1, goodsReceipt: false }, async (h, confirmed) => {
      await h.signal(productionCountsSignal, { v: 1, events: [ev('a', 1)] });
      await confirmed(1);
      await h.signal(productionCountsSignal, { v: 1, events: [ev('b', 1)] });
      await confirmed(2);
      await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'alice' });
      expect(await resultOf(h, 'its result', UNIT_WAIT_MS)).toMatchObject({ phase: 'confirmed', confirmedGood: 2 });
      expect(movements.map((m) => [m.kind, Object.fromEntries(m.items.map((i) => [i.material, i.quantity]))])).toEqual([
        ['261', { RESIN: '0.833', SCREW: '333' }],
        ['261', { 'LABEL-ROLL': '1', RESIN: '0.834', SCREW: '334' }],
      ]);
      // Nothing left to issue at completion: no 261, and the final confirmation closes the open reservation items.
      expect(posted.map((p) => [p.yieldQty, p.isFinal, p.clearOpenReservations ?? false])).toEqual([['1', false, false], ['1', false, false], ['0', true, true]]);
      await recordHistory(h, 'work-order-components-cumulative.json');
    }, { components });
  });
});
