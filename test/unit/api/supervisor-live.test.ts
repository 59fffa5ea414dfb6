import { describe, expect, it } from 'vitest';
import type { Actor } from '../../../api/auth.js';
import { exceptionNotice, maySee } from '../../../api/live/hub.js';
import { TICKET_TTL_MS, TicketStore } from '../../../api/live/tickets.js';
import type { LiveEvent } from '../../../contracts/messages/supervisor-live.js';

const actor: Actor = { name: 'sup', role: 'viewer', scopes: [{ site: 'plant1', lines: ['line-1'] }] };

describe('live stream tickets', () => {
  it('redeems a ticket once, for its actor, and not after its time', () => {
    let now = 1_000_000;
    const store = new TicketStore(() => now);
    const { ticket, expiresAt } = store.issue(actor);
    expect(expiresAt).toBe(now + TICKET_TTL_MS);
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(store.redeem(ticket)).toBe(actor);
    expect(store.redeem(ticket)).toBeNull();
    const late = store.issue(actor).ticket;
    now += TICKET_TTL_MS;
    expect(store.redeem(late)).toBeNull();
    expect(store.redeem('made-up')).toBeNull();
  });
});

describe('live stream scope', () => {
  const wip = (line: string): LiveEvent => ({
    type: 'wip',
    wip: { v: 1, site: 'plant1', line, erpOrderId: '1', workflowId: 'w', material: 'M', unit: 'PC', plannedQuantity: '1', phase: 'running', good: 1, scrap: 0, confirmedGood: 0, qualityHeld: 0, held: false, asOf: '2026-01-01T00:00:00Z' },
  });
  it('shows a line-scoped token its lines only; an exception naming no line only to whole-site tokens', () => {
    const scoped = actor.scopes;
    expect(maySee(scoped, wip('line-1'))).toBe(true);
    expect(maySee(scoped, wip('line-2'))).toBe(false);
    expect(maySee(scoped, { type: 'exception', site: 'plant1', line: 'line-1', stage: 'x' })).toBe(true);
    expect(maySee(scoped, { type: 'exception', site: 'plant1', line: null, stage: 'x' })).toBe(false);
    expect(maySee([{ site: 'plant1' }], { type: 'exception', site: 'plant1', line: null, stage: 'x' })).toBe(true);
    expect(maySee([{ site: 'plant2' }], wip('line-1'))).toBe(false);
    expect(maySee(null, wip('line-2'))).toBe(true);
  });

  it('places an exception by its own line, its hold\'s or its release\'s, and tells nothing of a body it cannot read', () => {
    expect(exceptionNotice('ops.plant1.exception.counter-hold', () => ({ hold: { line: 'line-2' } }))).toEqual({ type: 'exception', site: 'plant1', line: 'line-2', stage: 'counter-hold' });
    expect(exceptionNotice('ops.plant1.exception.erp-webhook', () => ({ release: { line: 'line-1' }, reason: 'x' }))?.line).toBe('line-1');
    expect(exceptionNotice('ops.plant1.exception.signal-bridge', () => ({ unassigned: [] }))?.line).toBeNull();
    // A line that is not a token places nothing: the notice goes to whole-site tokens only.
    expect(exceptionNotice('ops.plant1.exception.x', () => ({ line: 'Line 1!' }))?.line).toBeNull();
    expect(exceptionNotice('ops.plant1.exception.x', () => { throw new Error('not JSON'); })).toBeNull();
    expect(exceptionNotice('ops.PLANT.exception.x', () => ({}))).toBeNull();
  });
});
