import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { storedShift, storedShiftsOfLine } from '../../db/shift-oee.js';
import { READERS } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { ShiftParams } from '../schemas/shifts.js';
import { ShiftHandoverReport, ShiftLineParams, ShiftListQuery, ShiftOeeList } from '../schemas/shift-report.js';
import { shiftHandoverReport } from '../shift-report.js';
import { shiftOfWorkflow } from '../shift-of-workflow.js';

/**
 * Shifts as stored by their workflows (shift_oee, docs/downtime-oee.md): a line's OEE trend, and a shift's report and
 * handover. Read from PostgreSQL; only a shift without a row (started before the table existed) asks its workflow.
 */
export function shiftReportRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const { db, client } = deps;
  return async (app) => {
    app.get('/shifts/:site/:line', {
      schema: {
        params: ShiftLineParams, querystring: ShiftListQuery, response: { 200: ShiftOeeList }, tags: ['shifts'],
        summary: "A line's stored shifts with their OEE (the trend), oldest first: local dates from..to, inclusive",
      },
      config: { roles: READERS },
    }, async (req) => {
      const { site, line } = req.params;
      const rows = await storedShiftsOfLine(db, site, line, req.query);
      return {
        site,
        line,
        shifts: rows.map((r) => ({
          date: r.shiftDate, shiftCode: r.shiftCode, crew: r.crew, startsAt: r.startsAt.toISOString(), endsAt: r.endsAt.toISOString(),
          state: r.state === 'closed' ? ('closed' as const) : ('running' as const), asOf: r.summary.asOf, good: r.good, scrap: r.scrap,
          availability: r.availability, performance: r.performance, quality: r.quality, oee: r.oee, line: r.summary.oee?.line ?? null,
        })),
      };
    });

    app.get('/shifts/:site/:line/:date/:shiftCode/report', {
      schema: {
        params: ShiftParams, response: { 200: ShiftHandoverReport }, tags: ['shifts'],
        summary: 'Shift report and handover: produced, scrap, OEE and its losses, downtime by reason and cost center, open holds and exceptions',
      },
      config: { roles: READERS },
    }, async (req) => {
      const { site, line, date, shiftCode } = req.params;
      const row = await storedShift(db, site, line, date, shiftCode);
      const shift = row
        ? { workflowId: row.workflowId, state: row.state === 'closed' ? ('closed' as const) : ('running' as const), source: 'read-model' as const, summary: row.summary }
        : { ...(await shiftOfWorkflow(client, req.params)), source: 'workflow' as const };
      return shiftHandoverReport(db, shift);
    });
  };
}
