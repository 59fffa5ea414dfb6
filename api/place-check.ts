import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { workOrderWorkflowId } from '../contracts/ids.js';
import type { Db } from '../db/client.js';
import { httpError } from '../http/problem.js';
import { workOrders } from '../schema/index.js';
import { audit } from './audit.js';
import { allows, allowsWholeSite, describeScopes } from './scope.js';

type Fields = Record<string, unknown> | undefined;
const field = (name: string, ...from: Fields[]): string | undefined => {
  for (const f of from) if (f && typeof f[name] === 'string') return f[name];
  return undefined;
};

/** The line an order runs on, from the read model; null when the order is unknown there. */
export async function lineOfOrder(db: Db, site: string, erpOrderId: string): Promise<string | null> {
  const [row] = await db.select({ line: workOrders.lineCode }).from(workOrders).where(eq(workOrders.workflowId, workOrderWorkflowId(site, erpOrderId)));
  return row?.line ?? null;
}

/**
 * Refuses with 403, and audits, a call of a scoped token on a place it does not hold. Refusals are audited (unlike
 * calls refused for a bad body) because a token reaching for another line is what a plant's security review asks
 * about.
 */
export async function refusePlace(db: Db, req: FastifyRequest, place: string): Promise<never> {
  const actor = req.actor!;
  await audit(db, req, 'refused-out-of-scope', `${req.method} ${req.url}`, { place, scopes: actor.scopes });
  throw httpError(403, `token ${actor.name} acts on ${describeScopes(actor.scopes!)} only, not on ${place}`);
}

/**
 * Holds a scoped token to its places on every route that names one: a site and line from the path, body or query,
 * or the line of the order named by site and erpOrderId. A route that names a site but no line needs the whole site,
 * unless it filters its list by place (`config.filtersByPlace`). Routes naming no place (a hold by its event id) check
 * in their handler with `refusePlace`. Runs after validation, so the fields are the parsed ones.
 */
export function registerPlaceCheck(app: FastifyInstance, db: Db): void {
  app.addHook('preHandler', async (req) => {
    const scopes = req.actor?.scopes;
    if (!scopes) return;
    const from = [req.params, req.body, req.query] as Fields[];
    const site = field('site', ...from);
    if (site === undefined) return;
    let line: string | null | undefined = field('line', ...from);
    const erpOrderId = field('erpOrderId', ...from);
    if (line === undefined && erpOrderId !== undefined) line = await lineOfOrder(db, site, erpOrderId);
    const ok = line !== undefined ? allows(scopes, site, line) : req.routeOptions.config?.filtersByPlace ? allows(scopes, site) : allowsWholeSite(scopes, site);
    if (!ok) await refusePlace(db, req, line ? `${site}/${line}` : erpOrderId ? `${site} order ${erpOrderId}` : `all of ${site}`);
  });
}
