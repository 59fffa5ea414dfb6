import { and, inArray, or, eq, type Column, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { Token } from '../contracts/tokens.js';

/**
 * One place a token's role holds for, in ISA-95 terms: a site, and optionally some of its lines (absent: every
 * line of the site, present and future).
 */
export const PlaceScope = z.object({
  site: Token,
  lines: z.array(Token).min(1, 'must name at least one line, or be left out for every line of the site').optional(),
});
export type PlaceScope = z.infer<typeof PlaceScope>;

/** The places of a scoped token; a token without scopes (null) acts plant-wide, as every token did before. */
export const TokenScopes = z.array(PlaceScope).min(1, 'must name at least one place; leave scopes out for a plant-wide token');
export type TokenScopes = z.infer<typeof TokenScopes>;

/** The command line's `site` or `site/line1,line2` as a scope's raw fields, to be parsed with `TokenScopes`. */
export function placeOfArg(arg: string): { site: string; lines?: string[] } {
  const slash = arg.indexOf('/');
  return slash < 0 ? { site: arg } : { site: arg.slice(0, slash), lines: arg.slice(slash + 1).split(',') };
}

/** Whether `scopes` allow acting on `site` (and `line`, when given); null scopes allow everything. */
export function allows(scopes: TokenScopes | null, site: string, line?: string | null): boolean {
  if (scopes === null) return true;
  return scopes.some((s) => s.site === site && (s.lines === undefined || line === undefined || (line !== null && s.lines.includes(line))));
}

/** Whether `scopes` allow the whole of `site` (every line): what a site-wide read or write needs. */
export function allowsWholeSite(scopes: TokenScopes | null, site: string): boolean {
  return scopes === null || scopes.some((s) => s.site === site && s.lines === undefined);
}

/** Human words for a refusal: "plant1 (line-1, line-2), plant2". */
export function describeScopes(scopes: TokenScopes): string {
  return scopes.map((s) => (s.lines ? `${s.site} (${s.lines.join(', ')})` : s.site)).join(', ');
}

/**
 * A WHERE condition keeping only rows of the places `scopes` allow, for list reads; undefined when the token is
 * plant-wide. A scope with no match (impossible after parsing) keeps nothing rather than everything.
 */
export function scopeCondition(scopes: TokenScopes | null, siteColumn: Column, lineColumn: Column): SQL | undefined {
  if (scopes === null) return undefined;
  const places = scopes.map((s) => (s.lines ? and(eq(siteColumn, s.site), inArray(lineColumn, s.lines))! : eq(siteColumn, s.site)));
  return or(...places) ?? sql`false`;
}
