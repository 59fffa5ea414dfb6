import { describe, expect, it } from 'vitest';
import type { OrderReleased } from '../../../contracts/messages/order-release.js';
import type { PlacementFacts } from '../../../db/release-facts.js';
import { judgeRelease } from '../../../services/release-check.js';

const release: OrderReleased = {
  v: 1, site: 'plant1', erpOrderId: '1300001', material: 'NOPE-X', quantity: '120', unit: 'PC', line: 'line-2', operation: '0010', releasedAt: '2026-01-05T06:00:00Z',
};
/** The demo plant as the release check reads it, NOPE-X not in it. */
const facts: PlacementFacts = { sites: ['plant1'], siteKnown: true, lines: ['line-1', 'line-2'], materialKnown: false, materials: ['BRACKET-A', 'SCREW-M6', 'SHEET-2MM'] };
const components: NonNullable<OrderReleased['components']> = [
  { material: 'SCREW-M6', requiredQty: '480', unit: 'PC', reservation: { reservation: '0000500001', reservationItem: '0002' } },
];

const issuesOf = (r: ReturnType<typeof judgeRelease>) => (r?.kind === 'unplaceable' ? r.issues : []);

describe('the release check (services/release-check.ts)', () => {
  it('refuses a material the plant file does not know when the release brings no components, naming body.material', () => {
    expect(judgeRelease(release, facts, null)).toMatchObject({
      kind: 'unplaceable', status: 422,
      issues: [{ field: 'body.material', message: expect.stringMatching(/material NOPE-X is not in the plant file and the release brings no components: its backflush is unknown \(known: BRACKET-A, SCREW-M6, SHEET-2MM\)/) }],
    });
    // An empty list is no components: the backflush would still be unknown.
    expect(judgeRelease({ ...release, components: [] }, facts, null)?.kind).toBe('unplaceable');
  });

  it('places an unknown material when the release carries the order\'s own components: its backflush comes from them', () => {
    expect(judgeRelease({ ...release, components }, facts, null)).toBeNull();
  });

  it('components do not place an unknown line or site', () => {
    expect(issuesOf(judgeRelease({ ...release, components, line: 'line-9' }, facts, null))).toEqual([
      { field: 'body.line', message: 'no line line-9 in site plant1 (known: line-1, line-2)' },
    ]);
    const noSite = judgeRelease({ ...release, components, site: 'plant9' }, { ...facts, siteKnown: false, lines: [] }, null);
    expect(issuesOf(noSite).map((i) => i.field)).toEqual(['body.site']);
  });

  it('refuses an order the MES recorded as closed, components or not, with 409 naming its end', () => {
    const r = judgeRelease({ ...release, components }, facts, { phase: 'closed', closedAt: '2026-01-05T09:00:00.000Z' });
    expect(r).toMatchObject({ kind: 'closed', status: 409, phase: 'closed' });
    expect(r?.message).toMatch(/order 1300001 of site plant1 is closed in the MES's records \(closed at 2026-01-05T09:00:00.000Z\)/);
  });
});
