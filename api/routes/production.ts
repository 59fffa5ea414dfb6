import { and, asc, eq, inArray, type SQL } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { assignUnassigned } from '../../services/unassigned-production.js';
import { shiftOf } from '../../shifts/shift-of.js';
import { shiftWorkflowId } from '../../contracts/ids.js';
import { activeOrderOnLine } from '../../db/active-order.js';
import { unassignedProduction } from '../../schema/index.js';
import { shiftStatusQuery } from '../../workflows/definitions.js';
import { audit } from '../audit.js';
import { lineCalendar } from '../line-calendars.js';
import { READERS } from '../auth.js';
import { refusePlace } from '../place-check.js';
import { allows, scopeCondition } from '../scope.js';
import type { ApiDeps } from '../deps.js';
import { AssignBody, AssignResult, LineParams, LineStatus, UnassignedList, UnassignedQuery } from '../schemas/production.js';

export function productionRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const { db, client } = deps;
  return async (app) => {
    app.get('/unassigned', {
      schema: { querystring: UnassignedQuery, response: { 200: UnassignedList }, tags: ['production'], summary: 'Production no order took yet' },
      config: { roles: READERS, filtersByPlace: true },
    }, async (req) => {
      const where: SQL[] = [eq(unassignedProduction.siteCode, req.query.site), eq(unassignedProduction.status, 'open')];
      const inScope = scopeCondition(req.actor!.scopes, unassignedProduction.siteCode, unassignedProduction.lineCode);
      if (inScope) where.push(inScope);
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
      // The order's line is checked by the place check; the rows are places too: a line-scoped token gives only its
      // lines' production (its rows' lines are fixed, so reading them first leaves no race).
      if (req.actor!.scopes) {
        const lines = await db.selectDistinct({ line: unassignedProduction.lineCode }).from(unassignedProduction)
          .where(and(eq(unassignedProduction.siteCode, req.body.site), inArray(unassignedProduction.eventId, req.body.eventIds)));
        const outside = lines.map((l) => l.line).filter((l) => !allows(req.actor!.scopes, req.body.site, l));
        if (outside.length > 0) await refusePlace(db, req, `${req.body.site}/${outside.join(',')} (body.eventIds)`);
      }
      await audit(db, req, 'assign-unassigned', `${req.body.site}/${req.body.erpOrderId}`, { events: req.body.eventIds.length });
      return assignUnassigned({ db, client }, { ...req.body, assignedBy: req.actor!.name });
    });

    app.get('/lines/:site/:line', {
      schema: { params: LineParams, response: { 200: LineStatus }, tags: ['lines'], summary: 'Active order and current shift of a line' },
      config: { roles: READERS },
    }, async (req) => {
      const { site, line } = req.params;
      const [active, calendar] = await Promise.all([activeOrderOnLine(db, site, line), lineCalendar(db, site, line)]);
      const slot = shiftOf(new Date().toISOString(), calendar);
      const activeOrder = active && { workflowId: active.workflowId, erpOrderId: active.erpOrderId, status: active.phase };
      if (!slot) return { site, line, activeOrder, shift: null };
      const workflowId = shiftWorkflowId(site, line, slot.date, slot.shiftCode);
      const summary = await client.workflow.getHandle(workflowId).query(shiftStatusQuery).catch(() => null);
      return { site, line, activeOrder, shift: { workflowId, summary } };
    });
  };
}
