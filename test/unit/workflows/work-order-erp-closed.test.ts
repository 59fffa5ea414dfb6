import { describe, expect, it } from 'vitest';
import type { OrderReleased } from '../../../contracts/messages/order-release.js';
import { bomFromComponents, componentQuantities, withOrderComponents } from '../../../workflows/backflush.js';
import { WorkOrderState } from '../../../workflows/work-order-state.js';

const release: OrderReleased = {
  v: 1, site: 'plant1', erpOrderId: '1', material: 'A', quantity: '120', unit: 'PC', line: 'line-1', operation: '0010',
  releasedAt: '2026-01-05T06:00:00Z',
};
const ev = (id: string, good = 1) => ({ eventId: id, machine: 'm1', sourceTime: '2026-01-05T06:00:00Z', good, scrap: 0 });

describe('an order the ERP closed (TECO, deletion flag)', () => {
  it('takes no more counts, confirms nothing, carries the close across continue-as-new', () => {
    const s = new WorkOrderState('wf', release);
    s.applyCounts({ v: 1, events: [ev('a', 120)] });
    expect(s.readyToConfirm).toBe(true);
    s.closeInErp({ reason: 'technically-completed', at: '2026-01-05T09:00:00Z' });
    expect([s.readyToConfirm, s.partialDue, s.acceptsCounts]).toEqual([false, false, false]);
    s.applyCounts({ v: 1, events: [ev('b', 3)] });
    expect([s.good, s.lateCounts.map((e) => e.eventId)]).toEqual([120, ['b']]);
    // A second close (a redelivered event) changes nothing.
    s.closeInErp({ reason: 'deletion-flag', at: '2026-01-05T10:00:00Z' });
    const next = new WorkOrderState('wf', release, s.carry());
    expect(next.erpClosed).toEqual({ reason: 'technically-completed', at: '2026-01-05T09:00:00Z' });
    next.closeAs('closed');
    expect(next.status()).toMatchObject({ phase: 'closed', erpClosed: { reason: 'technically-completed' } });
    expect(next.describe()).toMatch(/Closed in the ERP \(technically-completed\)/);
  });

  it('an order already closing ignores it: its last posting is under way', () => {
    const s = new WorkOrderState('wf', release);
    s.closeAs('confirming');
    s.closeInErp({ reason: 'deletion-flag', at: '2026-01-05T10:00:00Z' });
    expect(s.erpClosed).toBeNull();
  });
});

describe('backflush from the order components', () => {
  const components = [
    { material: 'SHEET-2MM', requiredQty: '30', unit: 'KG', storageLocation: '0003', batch: 'B-7', reservation: { reservation: '0000500001', reservationItem: '0001' } },
    { material: 'SCREW-M6', requiredQty: '480', unit: 'PC', reservation: { reservation: '0000500001', reservationItem: '0002' } },
  ];
  it('per piece from the requirement of the whole order; each item keeps its reservation', () => {
    const bom = bomFromComponents(components, '120');
    expect(bom.map((b) => [b.component, b.quantityPer])).toEqual([['SHEET-2MM', '0.25'], ['SCREW-M6', '4']]);
    expect(componentQuantities(bom, 40)).toEqual([
      { material: 'SHEET-2MM', quantity: '10', unit: 'KG', reservation: { reservation: '0000500001', reservationItem: '0001' }, storageLocation: '0003', batch: 'B-7' },
      { material: 'SCREW-M6', quantity: '160', unit: 'PC', reservation: { reservation: '0000500001', reservationItem: '0002' } },
    ]);
    // The final confirmation's issue closes each reservation item; a plant-file BOM item has none to close.
    expect(componentQuantities(bom, 1, true).map((i) => i.finalIssue)).toEqual([true, true]);
    expect(componentQuantities([{ component: 'X', quantityPer: '1', unit: 'PC' }], 1, true)[0]).not.toHaveProperty('finalIssue');
  });

  it('the plant file BOM stays when the release carries no components', () => {
    const ctx = { bom: [{ component: 'X', quantityPer: '1', unit: 'PC' }], plant: '1010', storageLocation: '0001', materialUnit: 'PC' };
    expect(withOrderComponents(ctx, release)).toBe(ctx);
    expect(withOrderComponents(ctx, { ...release, components: [] })).toBe(ctx);
    expect(withOrderComponents(ctx, { ...release, components }).bom).toHaveLength(2);
  });
});
