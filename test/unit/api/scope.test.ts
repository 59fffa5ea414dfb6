import { describe, expect, it } from 'vitest';
import { allows, allowsWholeSite, placeOfArg, TokenScopes } from '../../../api/scope.js';

describe('token scopes', () => {
  const line2 = TokenScopes.parse([placeOfArg('plant1/line-2')]);
  const plant1 = TokenScopes.parse([placeOfArg('plant1'), placeOfArg('plant2/line-7,line-8')]);

  it('holds a line-scoped token to its lines, a site-scoped one to its site, an unscoped one nowhere', () => {
    expect(allows(line2, 'plant1', 'line-2')).toBe(true);
    expect(allows(line2, 'plant1', 'line-1')).toBe(false);
    expect(allows(line2, 'plant1', null)).toBe(false); // an order the read model does not know
    expect(allows(line2, 'plant2', 'line-2')).toBe(false);
    expect(allows(line2, 'plant1')).toBe(true); // a list of the site, filtered to the line
    expect(allowsWholeSite(line2, 'plant1')).toBe(false);
    expect(allows(plant1, 'plant1', 'line-9')).toBe(true);
    expect(allows(plant1, 'plant1', null)).toBe(true);
    expect(allows(plant1, 'plant2', 'line-8')).toBe(true);
    expect(allows(plant1, 'plant2', 'line-1')).toBe(false);
    expect(allowsWholeSite(plant1, 'plant1')).toBe(true);
    expect(allowsWholeSite(plant1, 'plant2')).toBe(false);
    expect(allows(null, 'any', 'where')).toBe(true);
    expect(allowsWholeSite(null, 'any')).toBe(true);
  });

  it('names the bad part of a place given on the command line', () => {
    const bad = TokenScopes.safeParse([placeOfArg('Plant 1/line-1')]);
    expect(bad.error?.issues[0]).toMatchObject({ path: [0, 'site'], message: 'must be 1-64 of a-z, 0-9 and -' });
    expect(TokenScopes.safeParse([placeOfArg('plant1/')]).error?.issues[0]).toMatchObject({ path: [0, 'lines', 0] });
    expect(TokenScopes.safeParse([]).error?.issues[0]?.message).toMatch(/at least one place/);
  });
});
