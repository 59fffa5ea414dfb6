import { and, asc, eq, type SQL } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { assignUnassigned } from '../../services/unassigned-production.js';
import { shiftOf } from '../../services/shift-calendar.js';
import { shiftWorkflowId } from '../../contracts/ids.js';
import { activeOrderOnLine } from '../../db/active-order.js';
import { sites, unassignedProduction } from '../../schema/index.js';
import { shiftStatusQuery } from '../../workflows/definitions.js';
import { audit } from '../audit.js';
import { READERS } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { AssignBody, AssignResult, LineParams, LineStatus, UnassignedList, UnassignedQuery } from '../schemas/production.js';

export function productionRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const { db, client } = deps;
  // A site's time zone does not change while the API runs: read it once per site, not on every GET /lines.
  const timezones = new Map<string, string>();
  const timezoneOf = async (site: string): Promise<string> => {
    const known = timezones.get(site);
    if (known) return known;
    const [s] = await db.select({ timezone: sites.timezone }).from(sites).where(eq(sites.code, site));
    // An unknown site is not cached: it may be seeded later.
    if (s) timezones.set(site, s.timezone);
    return s?.timezone ?? 'UTC';
  };
  return async (app) => {
    app.get('/unassigned', {
      schema: { querystring: UnassignedQuery, response: { 200: UnassignedList }, tags: ['production'], summary: 'Production no order took yet' },
      config: { roles: READERS },
    }, async (req) => {
      const where: SQL[] = [eq(unassignedProduction.siteCode, req.query.site), eq(unassignedProduction.status, 'open')];
      if (req.query.line) where.push(eq(unassignedProduction.lineCode, req.query.line));
      const rows = await db.select().from(unassignedProduction).where(and(...where)).orderBy(asc(unassignedProduction.sourceTime)).limit(5_000);
      return {
        unassigned: rows.map((r) => ({ eventId: r.eventId, line: r.lineCode, machine: r.machineCode, sourceTime: r.sourceTime.toISOString(), good: r.good, scrap: r.scrap, reason: r.reason })),
      };
    });

    app.post('/unassigned/assign', {
      schema: { body: AssignBody, response: { 200: AssignResult }, tags: ['production'], summary: 'Give unassigned production to an order' },
      config: { roles: ['planner'] },
    }, async (req) => {
      await audit(db, req, 'assign-unassigned', `${req.body.site}/${req.body.erpOrderId}`, { events: req.body.eventIds.length });
      return assignUnassigned({ db, client }, { ...req.body, assignedBy: req.actor!.name });
    });

    app.get('/lines/:site/:line', {
      schema: { params: LineParams, response: { 200: LineStatus }, tags: ['lines'], summary: 'Active order and current shift of a line' },
      config: { roles: READERS },
    }, async (req) => {
      const { site, line } = req.params;
      const [active, timezone] = await Promise.all([activeOrderOnLine(db, site, line), timezoneOf(site)]);
      const slot = shiftOf(new Date().toISOString(), timezone);
      const workflowId = shiftWorkflowId(site, line, slot.date, slot.shiftCode);
      const summary = await client.workflow.getHandle(workflowId).query(shiftStatusQuery).catch(() => null);
      return {
        site, line,
        activeOrder: active && { workflowId: active.workflowId, erpOrderId: active.erpOrderId, status: active.phase },
        shift: { workflowId, summary },
      };
    });
  };
}
