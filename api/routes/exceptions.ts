import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErpOrderId, Token } from '../../contracts/tokens.js';
import { ExceptionKind, ExceptionState, ExceptionView } from '../../contracts/messages/exception.js';
import { acknowledgeException, getException, listExceptions, resolveClaimed, type ExceptionRecord } from '../../db/exception-records.js';
import { httpError } from '../../http/problem.js';
import { exceptionAcknowledgedSignal, exceptionEscalateSignal, exceptionResolvedSignal } from '../../workflows/definitions.js';
import { tellRouting } from '../../services/exceptions/inbox.js';
import { ActionRefused, applyAction } from '../../services/exceptions/actions.js';
import { exceptionView } from '../../services/exceptions/view.js';
import { exceptionRecords } from '../../schema/index.js';
import { audit } from '../audit.js';
import { READERS, type Role } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { lineOfOrder, refusePlace } from '../place-check.js';
import { allows, scopeCondition } from '../scope.js';

const Params = z.object({ id: z.coerce.number().int().positive() });
const ListQuery = z.object({ site: Token.optional(), line: Token.optional(), kind: ExceptionKind.optional(), state: z.union([ExceptionState, z.literal('unresolved')]).optional() });
const AckBody = z.object({ note: z.string().max(2000).optional() }).default({});
const AssignBody = z.object({ to: z.string().min(1).max(200) });
const ResolveBody = z.object({
  action: z.enum(['retry', 'skip', 'assign', 'accept', 'escalate']),
  reason: z.string().min(1).max(2000).optional(),
  erpOrderId: ErpOrderId.optional(),
  quantity: z.number().int().nonnegative().optional(),
});

/** Who takes an exception in hand; resolving changes what is counted or posted, so operators only acknowledge. */
const ACKNOWLEDGERS: Role[] = ['planner', 'quality', 'operator'];
const RESOLVERS: Role[] = ['planner', 'quality'];

/**
 * The exception inbox (issue 14 item 1): list (scoped to the token's places), acknowledge, assign, resolve with an
 * action (services/exceptions/actions.ts), every change audited. Acknowledge, assign and resolve tell the record's
 * routing workflow, which stops escalating or ends.
 */
export function exceptionRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const { db, client } = deps;
  return async (app) => {
    const tell = (id: number, signal: Parameters<typeof tellRouting>[2], by: string) => tellRouting(client, id, signal, by);
    /** The record, or 404; a scoped token reaching for another place is refused and audited. */
    const record = async (req: FastifyRequest, id: number): Promise<ExceptionRecord> => {
      const r = await getException(db, id);
      if (!r) throw httpError(404, `exception ${id} not found`);
      if (!allows(req.actor!.scopes, r.siteCode, r.lineCode)) await refusePlace(db, req, `${r.siteCode}${r.lineCode ? `/${r.lineCode}` : ''}`);
      return r;
    };
    /**
     * The order an `assign` gives production to is a place of its own: a line-scoped token may resolve its line's
     * record, but not by acting on another line's order (refused and audited). An order the read model does not know
     * is refused naming the field.
     */
    const refuseOrderOutOfScope = async (req: FastifyRequest, site: string, erpOrderId: string): Promise<void> => {
      const line = await lineOfOrder(db, site, erpOrderId);
      if (line === null) throw httpError(400, `body.erpOrderId: no order ${erpOrderId} at ${site}`);
      if (!allows(req.actor!.scopes, site, line)) await refusePlace(db, req, `${site}/${line} (order ${erpOrderId})`);
    };
    const open = (r: ExceptionRecord | null, id: number) => {
      if (!r) throw httpError(409, `exception ${id} is already resolved`);
      return exceptionView(r);
    };

    app.get('/exceptions', {
      schema: { querystring: ListQuery, response: { 200: z.object({ exceptions: z.array(ExceptionView) }) }, tags: ['exceptions'], summary: 'Exceptions by site, line, kind and state (default: not resolved), newest first' },
      config: { roles: READERS, filtersByPlace: true },
    }, async (req) => ({ exceptions: (await listExceptions(db, req.query, scopeCondition(req.actor!.scopes, exceptionRecords.siteCode, exceptionRecords.lineCode))).map(exceptionView) }));

    app.get('/exceptions/:id', {
      schema: { params: Params, response: { 200: ExceptionView }, tags: ['exceptions'], summary: 'One exception with its evidence and actions' },
      config: { roles: READERS },
    }, async (req) => exceptionView(await record(req, req.params.id)));

    app.post('/exceptions/:id/acknowledge', {
      schema: { params: Params, body: AckBody, response: { 200: ExceptionView }, tags: ['exceptions'], summary: 'Take the exception in hand: escalation stops' },
      config: { roles: ACKNOWLEDGERS },
    }, async (req) => {
      await record(req, req.params.id);
      await audit(db, req, 'exception-acknowledge', `exception/${req.params.id}`, req.body);
      const r = open(await acknowledgeException(db, req.params.id, req.actor!.name), req.params.id);
      await tell(r.id, exceptionAcknowledgedSignal, req.actor!.name);
      return r;
    });

    app.post('/exceptions/:id/assign', {
      schema: { params: Params, body: AssignBody, response: { 200: ExceptionView }, tags: ['exceptions'], summary: 'Give the exception to a person (acknowledges it)' },
      config: { roles: RESOLVERS },
    }, async (req) => {
      await record(req, req.params.id);
      await audit(db, req, 'exception-assign', `exception/${req.params.id}`, req.body);
      const r = open(await acknowledgeException(db, req.params.id, req.actor!.name, req.body.to), req.params.id);
      await tell(r.id, exceptionAcknowledgedSignal, req.actor!.name);
      return r;
    });

    app.post('/exceptions/:id/resolve', {
      schema: {
        params: Params, body: ResolveBody, response: { 200: ExceptionView }, tags: ['exceptions'],
        summary: 'Resolve with an action: retry (post again / publish again), skip (with reason), assign (unassigned production to an order), accept (a counter or quality hold); escalate tells the next level and keeps it open',
      },
      config: { roles: RESOLVERS },
    }, async (req) => {
      const rec = await record(req, req.params.id);
      if (rec.state === 'resolved') throw httpError(409, `exception ${rec.id} is already resolved`);
      if (req.body.action === 'assign' && req.body.erpOrderId) await refuseOrderOutOfScope(req, rec.siteCode, req.body.erpOrderId);
      await audit(db, req, `exception-${req.body.action}`, `exception/${rec.id}`, req.body);
      if (req.body.action === 'escalate') {
        if (!(rec.actions as string[]).includes('escalate')) throw httpError(400, `body.action: ${rec.kind} does not offer escalate`);
        await tell(rec.id, exceptionEscalateSignal, req.actor!.name);
        return exceptionView(rec);
      }
      const action = req.body.action;
      // Claimed first (row lock): of two resolves at once, one applies its effect and the other gets 409.
      const r = open(await resolveClaimed(db, rec.id, req.actor!.name, async (claimed) => {
        const effect = await applyAction({ db, client, republish: deps.republish }, claimed, { ...req.body, action, by: req.actor!.name }).catch((err: unknown) => {
          throw err instanceof ActionRefused ? httpError(err.status, err.message) : err;
        });
        return { action, reason: req.body.reason ?? null, effect };
      }), rec.id);
      await tell(r.id, exceptionResolvedSignal, req.actor!.name);
      return r;
    });
  };
}
