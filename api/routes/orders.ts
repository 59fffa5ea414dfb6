import { WorkflowUpdateFailedError } from '@temporalio/client';
import { WorkflowNotFoundError, type UpdateDefinition } from '@temporalio/common';
import { and, desc, eq, type SQL } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { workOrderWorkflowId } from '../../contracts/ids.js';
import { OrderReleased } from '../../contracts/messages/order-release.js';
import { erpPostings, workOrders } from '../../schema/index.js';
import { z } from 'zod';
import {
  cancelOrderUpdate,
  completeOrderSignal,
  holdOrderUpdate,
  labResultUpdate,
  qualityDispositionUpdate,
  qualityHoldUpdate,
  resumeOrderUpdate,
  retryPostingSignal,
  statusQuery,
} from '../../workflows/definitions.js';
import { FixPending, ReconciliationScope, ScopeReconciliation } from '../../contracts/messages/reconciliation.js';
import { WorkOrderStatus } from '../../contracts/messages/work-order-status.js';
import { LabResultBody } from '../../contracts/messages/inspection.js';
import { storedOrderDetailJson } from '../../db/order-detail.js';
import { phaseOfRow } from '../../db/order-phase.js';
import { httpError } from '../../http/problem.js';
import { audit } from '../audit.js';
import { acceptRelease } from '../release.js';
import { READERS } from '../auth.js';
import { scopeCondition } from '../scope.js';
import type { ApiDeps } from '../deps.js';
import { Accepted, CommandBody, CompleteBody, DispositionBody, FixResult, QualityHoldBody, Reconciliation, Waiting, ListOrdersQuery, OrderDetail, OrderDetailQuery, OrderList, OrderParams, StartResponse } from '../schemas/orders.js';

const notFound = (what: string) => httpError(404, `${what} not found`);

export function orderRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const { db, client } = deps;
  return async (app) => {
    app.post('/orders', {
      schema: { body: OrderReleased, response: { 200: StartResponse, 201: StartResponse }, tags: ['orders'], summary: 'Release an order by hand (idempotent); 422 when the plant file cannot place it, 409 when the order is closed' },
      config: { roles: ['planner', 'integration'] },
    }, (req, reply) => acceptRelease(deps, req, reply, 'release', req.body));

    app.get('/orders', {
      schema: { querystring: ListOrdersQuery, response: { 200: OrderList }, tags: ['orders'], summary: 'List orders from the read model (asOf: workflow time of the figures; updatedAt: when the row was written)' },
      config: { roles: READERS, filtersByPlace: true },
    }, async (req) => {
      const where: SQL[] = [];
      const inScope = scopeCondition(req.actor!.scopes, workOrders.siteCode, workOrders.lineCode);
      if (inScope) where.push(inScope);
      if (req.query.site) where.push(eq(workOrders.siteCode, req.query.site));
      if (req.query.line) where.push(eq(workOrders.lineCode, req.query.line));
      if (req.query.status) where.push(eq(workOrders.status, req.query.status));
      const rows = await db.select().from(workOrders).where(and(...where)).orderBy(desc(workOrders.releasedAt)).limit(req.query.limit);
      return {
        orders: rows.map((r) => ({
          workflowId: r.workflowId, site: r.siteCode, erpOrderId: r.erpOrderId, line: r.lineCode, material: r.material,
          plannedQuantity: String(Number(r.plannedQuantity)), unit: r.unit, status: phaseOfRow(r), good: r.goodQuantity, scrap: r.scrapQuantity,
          confirmationDocument: r.confirmationDocument, updatedAt: r.updatedAt.toISOString(), asOf: r.asOf?.toISOString() ?? null,
        })),
      };
    });

    app.get('/orders/:site/:erpOrderId', {
      schema: {
        params: OrderParams, querystring: OrderDetailQuery, response: { 200: OrderDetail }, tags: ['orders'],
        summary: 'Status and ERP postings from the read model (asOf says how fresh); ?consistent=true asks the workflow',
      },
      config: { roles: READERS },
    }, async (req, reply) => {
      const workflowId = workOrderWorkflowId(req.params.site, req.params.erpOrderId);
      // JSON text as PostgreSQL built it, sent as it is (db/order-detail.ts); a row from before the status document
      // was kept (or not yet written) falls back to the workflow.
      const stored = req.query.consistent === 'true' ? null : await storedOrderDetailJson(db, workflowId);
      if (stored) return reply.type('application/json; charset=utf-8').send(stored as never);
      const status = await client.workflow.getHandle(workflowId).query(statusQuery).catch((err: Error) => {
        throw err instanceof WorkflowNotFoundError ? notFound(`order ${req.params.site}/${req.params.erpOrderId}`) : err;
      });
      const asOf = new Date().toISOString();
      // Read after the status, not beside it: the ledger row is written before the workflow moves on, so a status that
      // says confirmed always comes with its posting (read side by side, the ledger could be the older of the two).
      const postings = await db.select().from(erpPostings).where(eq(erpPostings.workflowId, workflowId)).orderBy(erpPostings.postingSeq);
      return {
        status,
        postings: postings.map((p) => ({ postingKey: p.postingKey, kind: p.kind, status: p.status, erpDocument: p.erpDocument, attempts: p.attempts, lastError: p.lastError })),
        asOf,
        source: 'workflow' as const,
      };
    });

    app.get('/orders/:site/:erpOrderId/waiting', {
      schema: { params: OrderParams, response: { 200: Waiting }, tags: ['orders'], summary: 'What the order is waiting for: ERP calls being retried, with attempt and last error' },
      config: { roles: READERS },
    }, async (req) => {
      const handle = client.workflow.getHandle(workOrderWorkflowId(req.params.site, req.params.erpOrderId));
      const d = await handle.describe().catch((err: Error) => {
        throw err instanceof WorkflowNotFoundError ? notFound(`order ${req.params.site}/${req.params.erpOrderId}`) : err;
      });
      const ts = (t?: { seconds?: unknown; nanos?: number | null } | null) =>
        t?.seconds == null ? null : new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString();
      // Temporal keeps retrying an ERP call while the ERP is down: its attempt count and last failure say so.
      return {
        status: d.status.name,
        activities: (d.raw.pendingActivities ?? []).map((a) => ({
          activity: a.activityType?.name ?? 'unknown',
          attempt: a.attempt ?? 0,
          lastFailure: a.lastFailure?.message ?? null,
          nextAttemptAt: ts(a.nextAttemptScheduleTime),
        })),
      };
    });

    const signalRoute = (path: string, summary: string, roles: Array<'planner' | 'operator'>, send: (workflowId: string, actor: string, body: z.infer<typeof CompleteBody>) => Promise<void>) =>
      app.post(path, {
        schema: { params: OrderParams, body: CompleteBody, response: { 202: Accepted }, tags: ['orders'], summary },
        config: { roles },
      }, async (req, reply) => {
        const workflowId = workOrderWorkflowId(req.params.site, req.params.erpOrderId);
        await audit(db, req, path.split('/').pop()!, workflowId, req.body);
        await send(workflowId, req.actor!.name, req.body).catch((err: Error) => {
          throw err instanceof WorkflowNotFoundError ? notFound(`open order ${req.params.site}/${req.params.erpOrderId}`) : err;
        });
        return reply.code(202).send({ accepted: true as const, workflowId });
      });

    const reconciliation = () => {
      if (!deps.reconciliation) throw httpError(503, 'reconciliation is not configured in this process');
      return deps.reconciliation;
    };
    /** A refusal carries its own status (409, 422); an unknown order is 404; the ERP away is 503, not the request wrong. */
    const reconciliationError = (order?: { site: string; erpOrderId: string }) => (err: Error): never => {
      if (order && err instanceof WorkflowNotFoundError) throw notFound(`order ${order.site}/${order.erpOrderId}`);
      if (err.name === 'ErpUnavailable') throw httpError(503, err.message);
      throw err;
    };

    app.get('/orders/:site/:erpOrderId/reconciliation', {
      schema: {
        params: OrderParams,
        response: { 200: Reconciliation },
        tags: ['orders'],
        summary: 'Compare counts and BOM consumption with the documents the ERP holds; each difference with cause and fix',
      },
      config: { roles: ['planner', 'viewer', 'quality'] },
    }, async (req) => reconciliation().order(req.params.site, req.params.erpOrderId).catch(reconciliationError(req.params)));

    app.get('/reconciliation', {
      schema: {
        querystring: ReconciliationScope,
        response: { 200: ScopeReconciliation },
        tags: ['orders'],
        summary: 'Reconcile every order of a site, a line, or released in a period [from, to); orders with differences in full',
      },
      config: { roles: ['planner', 'viewer', 'quality'] },
    }, async (req) => reconciliation().scope(req.query).catch(reconciliationError()));

    app.post('/orders/:site/:erpOrderId/reconciliation/fix', {
      schema: {
        params: OrderParams,
        response: { 200: FixResult, 202: FixPending },
        tags: ['orders'],
        summary: 'Apply the reconciliation fixes the engine can make (post the missing, reverse the extra material), then reconcile again',
      },
      config: { roles: ['planner'] },
    }, async (req, reply) => {
      const service = reconciliation();
      await audit(db, req, 'reconciliation-fix', workOrderWorkflowId(req.params.site, req.params.erpOrderId), {});
      const result = await service.fix(req.params.site, req.params.erpOrderId, req.actor!.name).catch(reconciliationError(req.params));
      return 'applying' in result ? reply.code(202).send(result) : result;
    });

    // Updates: the workflow validates (a held order cannot be held again, a confirmed one not cancelled) and answers.
    const runUpdate = async <A>(params: z.infer<typeof OrderParams>, update: UpdateDefinition<WorkOrderStatus, [A]>, arg: A) => {
      const handle = client.workflow.getHandle(workOrderWorkflowId(params.site, params.erpOrderId));
      const conflict = (message: string) => httpError(409, message);
      return handle.executeUpdate(update, { args: [arg] }).catch(async (err: Error) => {
        if (err instanceof WorkflowUpdateFailedError) throw conflict(err.cause?.message ?? err.message);
        if (!(err instanceof WorkflowNotFoundError)) throw err;
        // A finished run refuses updates the same way an unknown id does: tell the two apart.
        const d = await handle.describe().catch(() => undefined);
        throw d ? conflict(`order is closed (${d.status.name.toLowerCase()})`) : notFound(`order ${params.site}/${params.erpOrderId}`);
      });
    };
    const updateRoute = (verb: 'hold' | 'resume' | 'cancel', update: typeof holdOrderUpdate, summary: string) =>
      app.post(`/orders/:site/:erpOrderId/${verb}`, {
        schema: { params: OrderParams, body: CommandBody, response: { 200: WorkOrderStatus }, tags: ['orders'], summary },
        config: { roles: ['planner'] },
      }, async (req) => {
        await audit(db, req, verb, workOrderWorkflowId(req.params.site, req.params.erpOrderId), req.body);
        return runUpdate(req.params, update, { reason: req.body.reason, requestedBy: req.actor!.name });
      });
    updateRoute('hold', holdOrderUpdate, 'Hold the order: counts are kept, nothing is confirmed until resumed');
    updateRoute('resume', resumeOrderUpdate, 'Resume a held order');
    updateRoute('cancel', cancelOrderUpdate, 'Cancel an order; what it posted to the ERP is taken back, the last first');

    app.post('/orders/:site/:erpOrderId/quality-holds', {
      schema: {
        params: OrderParams, body: QualityHoldBody, response: { 200: WorkOrderStatus }, tags: ['quality'],
        summary: 'Hold counted, unconfirmed units for quality: the ERP gets a quality notification, nothing held is confirmed',
      },
      config: { roles: ['quality', 'planner'] },
    }, async (req) => {
      await audit(db, req, 'quality-hold', workOrderWorkflowId(req.params.site, req.params.erpOrderId), req.body);
      return runUpdate(req.params, qualityHoldUpdate, { ...req.body, requestedBy: req.actor!.name });
    });
    app.post('/orders/:site/:erpOrderId/quality-holds/:holdId/disposition', {
      schema: {
        params: OrderParams.extend({ holdId: z.coerce.number().int().positive() }), body: DispositionBody, response: { 200: WorkOrderStatus },
        tags: ['quality'], summary: 'Decide a quality hold: release the units as good, scrap them (reasonCode), or rework them (reworkOperation)',
      },
      config: { roles: ['quality'] },
    }, async (req) => {
      const { holdId, ...order } = req.params;
      const workflowId = workOrderWorkflowId(order.site, order.erpOrderId);
      // Audited with what was measured: an automatic hold's characteristic and values, as the order holds them now.
      const hold = await client.workflow.getHandle(workflowId).query(statusQuery).then((s) => s.qualityHolds.find((h) => h.id === holdId), () => undefined);
      const measured = hold?.characteristic ? { characteristic: hold.characteristic, quantity: hold.quantity, measurements: hold.measurements } : {};
      await audit(db, req, `quality-${req.body.decision}`, workflowId, { holdId, ...req.body, ...measured });
      return runUpdate(order, qualityDispositionUpdate, { holdId, ...req.body, requestedBy: req.actor!.name });
    });
    app.post('/orders/:site/:erpOrderId/lab-results', {
      schema: {
        params: OrderParams, body: LabResultBody, response: { 200: WorkOrderStatus }, tags: ['quality'],
        summary: 'Enter a lab result of an inspection characteristic: judged like a tag value (an out-of-spec result holds its lot)',
      },
      config: { roles: ['quality'] },
    }, async (req) => {
      await audit(db, req, 'lab-result', workOrderWorkflowId(req.params.site, req.params.erpOrderId), req.body);
      const b = req.body;
      return runUpdate(req.params, labResultUpdate, {
        id: b.sampleId, source: 'lab', characteristic: b.characteristic, value: b.value, unit: b.unit,
        sourceTime: b.sampledAt ?? new Date().toISOString(), enteredBy: req.actor!.name,
      });
    });

    signalRoute('/orders/:site/:erpOrderId/complete', 'Complete the order now: it confirms what was counted', ['planner', 'operator'], (id, actor, body) =>
      client.workflow.getHandle(id).signal(completeOrderSignal, { reason: body.reason, requestedBy: actor }),
    );
    signalRoute('/orders/:site/:erpOrderId/retry-posting', 'Post again after an ERP rejection was fixed', ['planner'], (id, actor) =>
      client.workflow.getHandle(id).signal(retryPostingSignal, { requestedBy: actor }),
    );
  };
}
