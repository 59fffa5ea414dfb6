import { describe, expect, it } from 'vitest';
import type { OrderReleased } from '../../../contracts/messages/order-release.js';
import { SEEN_IDS_LIMIT, WorkOrderState } from '../../../workflows/work-order-state.js';

const release: OrderReleased = {
  v: 1, site: 'plant1', erpOrderId: '1', material: 'A', quantity: '10', unit: 'PC', line: 'line-1', operation: '0010',
  releasedAt: '2026-01-05T06:00:00Z',
};
const ev = (id: string, good = 1, scrap = 0) => ({ eventId: id, machine: 'm1', sourceTime: '2026-01-05T06:00:00Z', good, scrap });

describe('WorkOrderState', () => {
  it('applies each event id once and starts running with the first', () => {
    const s = new WorkOrderState('wf', release);
    expect(s.phase).toBe('released');
    s.applyCounts({ v: 1, events: [ev('a', 2, 1), ev('b', 3), ev('a', 2, 1)] });
    s.applyCounts({ v: 1, events: [ev('b', 3)] });
    expect(s.status()).toMatchObject({ phase: 'running', good: 5, scrap: 1, eventsApplied: 2, duplicatesDropped: 2 });
  });

  it('is ready to confirm at the planned quantity, or when completion is requested', () => {
    const s = new WorkOrderState('wf', release);
    s.applyCounts({ v: 1, events: [ev('a', 9)] });
    expect(s.readyToConfirm).toBe(false);
    s.applyCounts({ v: 1, events: [ev('b', 1)] });
    expect(s.readyToConfirm).toBe(true);
    const t = new WorkOrderState('wf', release);
    t.requestCompletion({ reason: 'operator', requestedBy: 'x' });
    expect(t.readyToConfirm).toBe(true);
  });

  it('keeps counts aside once the order is confirming, once per event id', () => {
    const s = new WorkOrderState('wf', release);
    s.phase = 'confirming';
    s.closing = true;
    s.applyCounts({ v: 1, events: [ev('a', 5), ev('b', 2)] });
    s.applyCounts({ v: 1, events: [ev('a', 5)] });
    expect(s.good).toBe(0);
    expect(s.lateCounts.map((e) => [e.eventId, e.good])).toEqual([['a', 5], ['b', 2]]);
  });

  it('confirms nothing while held', () => {
    const s = new WorkOrderState('wf', release);
    s.held = true;
    s.applyCounts({ v: 1, events: [ev('a', 10)] });
    expect(s.readyToConfirm).toBe(false);
    s.held = false;
    expect(s.readyToConfirm).toBe(true);
  });

  it('carries its state and seen ids across continue-as-new', () => {
    const s = new WorkOrderState('wf', release);
    s.applyCounts({ v: 1, events: [ev('a', 2), ev('b', 3)] });
    const next = new WorkOrderState('wf', release, s.carry());
    next.applyCounts({ v: 1, events: [ev('a', 2), ev('c', 1)] });
    expect(next.status()).toMatchObject({ good: 6, eventsApplied: 3, duplicatesDropped: 1 });
    expect(next.eventsThisRun).toBe(1);
  });

  it('bounds its memory of event ids, forgetting the oldest first', () => {
    const s = new WorkOrderState('wf', { ...release, quantity: '9999999' });
    const events = Array.from({ length: SEEN_IDS_LIMIT + 10 }, (_, i) => ev(`e${i}`, 0));
    for (let i = 0; i < events.length; i += 500) s.applyCounts({ v: 1, events: events.slice(i, i + 500) });
    expect(s.carry().seenIds).toHaveLength(SEEN_IDS_LIMIT);
    s.applyCounts({ v: 1, events: [ev('e10'), ev('e0')] });
    expect(s.duplicatesDropped).toBe(1); // e10 is remembered, e0 was forgotten
  });

  it('refuses a cancellation it could not take back in full, or while units wait for a quality decision', () => {
    const fresh = new WorkOrderState('wo', release);
    expect(fresh.refusesCancel()).toBeNull();
    // A carry from before postings were tracked: confirmed quantity, no list of what stands in the ERP.
    const older = new WorkOrderState('wo', release, { phase: 'running', good: 60, scrap: 0, eventsApplied: 1, duplicatesDropped: 0, seenIds: [], completion: null, confirmedGood: 50 });
    expect(older.refusesCancel()).toMatch(/before its postings were tracked/);
    expect(new WorkOrderState('wo', release, older.carry()).refusesCancel()).toMatch(/before its postings were tracked/);
    fresh.applyCounts({ v: 1, events: [ev('a', 10)] });
    fresh.qualityHolds.push({ id: 2, quantity: 4, defectText: 'burr', requestedBy: 'qa', notification: null, disposition: null });
    expect(fresh.refusesCancel()).toMatch(/4 PC are under quality hold/);
    fresh.dispose(2, 'release');
    expect(fresh.refusesCancel()).toBeNull();
  });

  it('never lets a hold take units of the confirmation being posted', () => {
    const s = new WorkOrderState('wo', release);
    s.applyCounts({ v: 1, events: [ev('a', 10)] });
    s.postingYield = 10;
    expect(s.refusesQualityHold(1)).toMatch(/more than the 0 PC/);
    s.applyCounts({ v: 1, events: [ev('b', 3)] });
    expect(s.refusesQualityHold(3)).toBeNull();
  });
});

describe('WorkOrderState release changes of a parked order (found by the soak, issue 16)', () => {
  it('takes a raised quantity while parked on a refusal, so the retry can pass the tolerance rule', () => {
    const s = new WorkOrderState('wf', release);
    s.applyCounts({ v: 1, events: [ev('a', 14)] });
    const resume = s.park('confirmed yield 14 would exceed order quantity 10 + 10 % tolerance (11)');
    expect(s.refusesReleaseChange({ ...release, quantity: '14' })).toBeNull();
    s.changeRelease({ ...release, quantity: '14' });
    s.unpark(resume);
    expect(s.release.quantity).toBe('14');
    expect(s.phase).toBe('running');
  });

  it('still refuses a change of a closed order, and a parked order quantity below what is confirmed', () => {
    const s = new WorkOrderState('wf', release);
    s.confirmedGood = 8;
    s.park('refused');
    expect(s.refusesReleaseChange({ ...release, quantity: '5' })).toMatch(/below the 8 already confirmed/);
    s.phase = 'confirmed';
    expect(s.refusesReleaseChange({ ...release, quantity: '20' })).toMatch(/order is confirmed/);
  });
});
