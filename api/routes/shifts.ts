import { WorkflowUpdateFailedError } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { shiftWorkflowId } from '../../contracts/ids.js';
import { ShiftSummary } from '../../contracts/messages/shift.js';
import { storedShift } from '../../db/shift-oee.js';
import { httpError } from '../../http/problem.js';
import { reclassifyStopUpdate } from '../../workflows/definitions.js';
import { READERS } from '../auth.js';
import { audit } from '../audit.js';
import type { ApiDeps } from '../deps.js';
import { shiftOfWorkflow } from '../shift-of-workflow.js';
import { ShiftParams, ShiftReport, StopParams, StopReasonBody } from '../schemas/shifts.js';

/**
 * Shift routes: a shift's report, and an operator's reason for a stop (docs/downtime-oee.md), audited, validated by
 * the shift workflow.
 */
export function shiftRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const { db, client } = deps;
  return async (app) => {
    app.get('/shifts/:site/:line/:date/:shiftCode', {
      schema: { params: ShiftParams, response: { 200: ShiftReport }, tags: ['shifts'], summary: "A shift's report: live while it runs, its result (with the downtime posted) once closed" },
      config: { roles: READERS },
    }, async (req) => {
      const { site, line, date, shiftCode } = req.params;
      // A closed shift's row is final: answered from PostgreSQL, also once Temporal's retention forgot the run.
      const row = await storedShift(db, site, line, date, shiftCode);
      if (row?.state === 'closed') return { workflowId: row.workflowId, state: 'closed' as const, summary: row.summary };
      return shiftOfWorkflow(client, req.params);
    });

    app.post('/shifts/:site/:line/:date/:shiftCode/stops/:stopId/reason', {
      schema: {
        params: StopParams, body: StopReasonBody, response: { 200: ShiftSummary }, tags: ['shifts'],
        summary: 'Give a stop of a running shift its reason (overrides the alarm\'s and the state\'s); answers the shift\'s status',
      },
      config: { roles: ['operator', 'planner'] },
    }, async (req) => {
      const { site, line, date, shiftCode, stopId } = req.params;
      const workflowId = shiftWorkflowId(site, line, date, shiftCode);
      await audit(db, req, 'stop-reason', workflowId, { stopId, ...req.body });
      const update = { stopId, reason: req.body.reason, by: req.actor!.name, at: new Date().toISOString() };
      return client.workflow.getHandle(workflowId).executeUpdate(reclassifyStopUpdate, { args: [update] }).catch((err: Error) => {
        // The workflow refuses an unknown reason or a line without reasons; a closed shift's stops keep their reasons.
        if (err instanceof WorkflowUpdateFailedError) throw httpError(409, err.cause?.message ?? err.message);
        if (err instanceof WorkflowNotFoundError) throw httpError(409, `shift ${workflowId} is not running (closed, or not started)`);
        throw err;
      });
    });
  };
}
