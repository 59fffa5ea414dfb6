import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { httpError } from '../http/problem.js';
import { apiTokens } from '../schema/index.js';
import { TokenScopes } from './scope.js';

export const Role = z.enum(['planner', 'quality', 'operator', 'viewer', 'integration']);
export type Role = z.infer<typeof Role>;

/** Who may call what; a route lists its roles in `config.roles`. */
export const READERS: Role[] = ['planner', 'quality', 'operator', 'viewer', 'integration'];

export interface Actor {
  name: string;
  role: Role;
  /** Places the role holds for; null: plant-wide. */
  scopes: TokenScopes | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    roles?: Role[];
    /**
     * The handler filters its list to the token's places (api/scope.ts `scopeCondition`), so a line-scoped token may
     * ask for a site's list; other routes naming a site without a line need the whole site.
     */
    filtersByPlace?: true;
  }
}

// Tokens are 32 random bytes: a plain SHA-256 is enough to store them (no dictionary to attack).
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * Creates (or replaces) a named token; the token is returned once and only its hash is kept. `scopes` limits the
 * role to sites and lines (null or absent: plant-wide).
 */
export async function issueToken(db: Db, name: string, role: Role, scopes: TokenScopes | null = null): Promise<string> {
  const token = `mes_${randomBytes(32).toString('base64url')}`;
  const tokenHash = hashToken(token);
  await db
    .insert(apiTokens)
    .values({ name, role, tokenHash, scopes })
    .onConflictDoUpdate({ target: apiTokens.name, set: { role, tokenHash, scopes, createdAt: new Date(), revokedAt: null } });
  return token;
}

/** A stored token row as the API acts on it; a row whose scopes do not parse acts nowhere rather than everywhere. */
function actorOf(row: typeof apiTokens.$inferSelect): Actor | null {
  const scopes = TokenScopes.nullable().safeParse(row.scopes ?? null);
  return scopes.success ? { name: row.name, role: Role.parse(row.role), scopes: scopes.data } : null;
}

/** Bearer-token check per route: 401 without a valid token, 403 when the token's role is not among the route's. */
export function registerAuth(app: FastifyInstance, db: Db): void {
  const cache = new Map<string, { actor: Actor | null; at: number }>();
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (req: FastifyRequest) => {
    const roles = req.routeOptions.config?.roles;
    if (!roles) return;
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!token) throw httpError(401, 'Authorization: Bearer <token> is required');
    const h = hashToken(token);
    let hit = cache.get(h);
    if (!hit || Date.now() - hit.at > 30_000) {
      const [row] = await db.select().from(apiTokens).where(and(eq(apiTokens.tokenHash, h), isNull(apiTokens.revokedAt)));
      hit = { actor: row ? actorOf(row) : null, at: Date.now() };
      cache.set(h, hit);
    }
    if (!hit.actor) throw httpError(401, 'unknown or revoked token');
    if (!roles.includes(hit.actor.role)) throw httpError(403, `role ${hit.actor.role} may not ${req.method} ${req.routeOptions.url}`);
    req.actor = hit.actor;
  });
}
