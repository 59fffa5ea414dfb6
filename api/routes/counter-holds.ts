import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AcceptHoldBody, CounterHoldQuery, CounterHoldView, RejectHoldBody } from '../../contracts/messages/counter-hold.js';
import { decideHold, type HoldDecision } from '../../db/counter-hold-decisions.js';
import { getHold, listHolds } from '../../db/counter-holds.js';
import { httpError } from '../../http/problem.js';
import { audit } from '../audit.js';
import { READERS, type Role } from '../auth.js';
import { refusePlace } from '../place-check.js';
import { allows, scopeCondition } from '../scope.js';
import { counterHolds } from '../../schema/index.js';
import type { ApiDeps } from '../deps.js';

const HoldParams = z.object({ eventId: z.string().min(1).max(200) });
const HoldList = z.object({ holds: z.array(CounterHoldView) });

/**
 * Accepting a hold changes the quantity the ERP is told: the same authority as deciding a quality hold (quality)
 * and giving unassigned production to an order (planner). Operators and viewers see holds but do not decide them:
 * whoever runs the machine should not be the one who turns its implausible readings into pieces.
 */
const DECIDERS: Role[] = ['quality', 'planner'];

/**
 * Counter holds (issue 11 item 4): readings the edge refused to count, listed for a person, who accepts (the delta
 * counts once, toward the order that was in context; or a corrected quantity (0 up to the delta or the largest explanation the edge sent), with who and when and the
 * note, audited) or rejects them (with a reason). A decided hold is 409.
 */
export function counterHoldRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const { db } = deps;
  return async (app) => {
    app.get('/production/holds', {
      schema: { querystring: CounterHoldQuery, response: { 200: HoldList }, tags: ['production'], summary: 'Counter readings held, not counted: by status (default held) and line' },
      config: { roles: READERS, filtersByPlace: true },
    }, async (req) => ({ holds: await listHolds(db, req.query, scopeCondition(req.actor!.scopes, counterHolds.siteCode, counterHolds.lineCode)) }));

    app.get('/production/holds/:eventId', {
      schema: { params: HoldParams, response: { 200: CounterHoldView }, tags: ['production'], summary: 'One counter hold with its raw readings' },
      config: { roles: READERS },
    }, async (req) => {
      const hold = await getHold(db, req.params.eventId);
      if (!hold) throw httpError(404, `counter hold ${req.params.eventId} not found`);
      await holdInScope(req, hold);
      return hold;
    });

    /** A hold names its place only in its row: a scoped token's reach is checked here, not by the path. */
    const holdInScope = async (req: FastifyRequest, hold: { site: string; line: string } | null) => {
      if (hold && !allows(req.actor!.scopes, hold.site, hold.line)) await refusePlace(db, req, `${hold.site}/${hold.line}`);
    };

    const decide = async (eventId: string, decision: HoldDecision) => {
      const r = await decideHold(db, eventId, decision);
      if (r.outcome === 'not-found') throw httpError(404, `counter hold ${eventId} not found`);
      if (r.outcome === 'invalid') throw httpError(400, `body.${r.field}: ${r.message}`);
      if (r.outcome === 'already-decided')
        throw httpError(409, `counter hold ${eventId} is already ${r.status}${r.decidedBy ? ` (by ${r.decidedBy} at ${r.decidedAt})` : ''}: a decided hold stays decided`);
      return r.hold;
    };

    app.post('/production/holds/:eventId/accept', {
      schema: {
        params: HoldParams, body: AcceptHoldBody, response: { 200: CounterHoldView }, tags: ['production'],
        summary: 'Accept held readings as production: the delta, or a corrected quantity (0 up to the delta or its largest explanation), counts once, toward the order that was in context (or unassigned production)',
      },
      config: { roles: DECIDERS },
    }, async (req) => {
      await holdInScope(req, await getHold(db, req.params.eventId));
      await audit(db, req, 'counter-hold-accept', req.params.eventId, req.body);
      return decide(req.params.eventId, { decision: 'accept', note: req.body.note, quantity: req.body.quantity, by: req.actor!.name });
    });

    app.post('/production/holds/:eventId/reject', {
      schema: {
        params: HoldParams, body: RejectHoldBody, response: { 200: CounterHoldView }, tags: ['production'],
        summary: 'Reject held readings: nothing is counted, the reason is kept',
      },
      config: { roles: DECIDERS },
    }, async (req) => {
      await holdInScope(req, await getHold(db, req.params.eventId));
      await audit(db, req, 'counter-hold-reject', req.params.eventId, req.body);
      return decide(req.params.eventId, { decision: 'reject', reason: req.body.reason, by: req.actor!.name });
    });
  };
}
