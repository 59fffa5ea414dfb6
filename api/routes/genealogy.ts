import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { AssignSerialsBody, GenealogyAnswer, GenealogyParams, LineParams, StageBatchBody, StagedBatchView, type GenealogyOrder } from '../../contracts/messages/genealogy.js';
import { Token } from '../../contracts/tokens.js';
import { madeFinishedBatch, madeSerial, usedComponentBatch } from '../../db/genealogy.js';
import { assignSerials } from '../../db/order-output.js';
import { listStaged, stageBatch } from '../../db/staged-batches.js';
import { httpError } from '../../http/problem.js';
import { lines, materials, orderSerials, workOrders } from '../../schema/index.js';
import { audit } from '../audit.js';
import { READERS, type Role } from '../auth.js';
import { allows } from '../scope.js';
import type { ApiDeps } from '../deps.js';

/** Who puts material at a line: the operator scanning it, and the systems and planners that stage for them. */
const STAGERS: Role[] = ['operator', 'planner', 'quality', 'integration'];
const OrderRef = z.object({ site: Token, erpOrderId: z.string().min(1).max(12) });
const Positions = z.object({ positions: z.array(z.number().int()) });

/** A unique violation of PostgreSQL (23505), as the pg driver reports it. */
const uniqueViolation = (err: unknown): boolean => (err as { code?: string; cause?: { code?: string } }).code === '23505' || (err as { cause?: { code?: string } }).cause?.code === '23505';

/**
 * Batches and genealogy (issue 13, item 5; docs/genealogy.md): component batches scanned in at a line, serial numbers
 * assigned to an order's next units, and the genealogy both ways (component batch -> finished batches and serials;
 * finished batch or serial -> components), with the quality holds recorded on the way.
 */
export function genealogyRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const { db } = deps;
  return async (app) => {
    app.post('/lines/:site/:line/batches', {
      schema: { params: LineParams, body: StageBatchBody, response: { 201: StagedBatchView }, tags: ['genealogy'], summary: 'Stage a component batch at a line (scanned in); the backflush consumes staged batches first in, first out; 409 when already staged' },
      config: { roles: STAGERS },
    }, async (req, reply) => {
      const { site, line } = req.params;
      const [known] = await db.select({ code: lines.code }).from(lines).where(and(eq(lines.siteCode, site), eq(lines.code, line)));
      if (!known) throw httpError(404, `line ${site}/${line} not found`);
      const [material] = await db.select({ unit: materials.unit }).from(materials).where(eq(materials.code, req.body.material));
      if (!material) throw httpError(400, `body.material: ${req.body.material} is not a material of the plant model`);
      const already = (there: StagedBatchView) =>
        httpError(409, `batch ${req.body.batch} of ${req.body.material} is already staged at ${site}/${line} (by ${there.stagedBy} at ${there.stagedAt})`);
      // Looked up before the audit, so a refused call leaves no audit row (two racing scans: the insert decides).
      const [there] = await listStaged(db, site, line, { material: req.body.material, batch: req.body.batch });
      if (there) throw already(there);
      await audit(db, req, 'batch-stage', `${site}/${line}`, req.body);
      const staged = await stageBatch(db, site, line, req.body, req.actor!.name);
      if ('alreadyStaged' in staged) throw already(staged.alreadyStaged);
      return reply.code(201).send(staged);
    });

    app.get('/lines/:site/:line/batches', {
      schema: { params: LineParams, response: { 200: z.object({ batches: z.array(StagedBatchView) }) }, tags: ['genealogy'], summary: 'Component batches staged at a line, with what is left of each, first staged first' },
      config: { roles: READERS },
    }, async (req) => ({ batches: await listStaged(db, req.params.site, req.params.line) }));

    app.post('/orders/:site/:erpOrderId/serials', {
      schema: { params: OrderRef, body: AssignSerialsBody, response: { 201: Positions }, tags: ['genealogy'], summary: "Serial numbers for an order's next units (else its counter numbers them); 409 when one is already assigned" },
      config: { roles: ['planner', 'quality', 'integration'] },
    }, async (req, reply) => {
      const { site, erpOrderId } = req.params;
      const [order] = await db.select({ material: workOrders.material, serialized: materials.serialized }).from(workOrders)
        .leftJoin(materials, eq(materials.code, workOrders.material))
        .where(and(eq(workOrders.siteCode, site), eq(workOrders.erpOrderId, erpOrderId)));
      if (!order) throw httpError(404, `order ${site}/${erpOrderId} not found`);
      if (!order.serialized) throw httpError(400, `body.serials: material ${order.material} is not serialized in the plant model`);
      const [taken] = await db.select({ serial: orderSerials.serial }).from(orderSerials)
        .where(and(eq(orderSerials.material, order.material), inArray(orderSerials.serial, req.body.serials))).limit(1);
      if (taken) throw httpError(409, `body.serials: serial ${taken.serial} of ${order.material} is already assigned to a unit`);
      await audit(db, req, 'serials-assign', `${site}/${erpOrderId}`, req.body);
      try {
        return reply.code(201).send({ positions: await assignSerials(db, site, erpOrderId, order.material, req.body.serials) });
      } catch (err) {
        if (uniqueViolation(err)) throw httpError(409, `body.serials: a serial of ${order.material} is already assigned to a unit`);
        throw err;
      }
    });

    /** A scoped token sees the orders of its places only. */
    const answer = (kind: GenealogyAnswer['query']['kind'], material: string, id: string, orders: GenealogyOrder[], scopes: Parameters<typeof allows>[0]) =>
      ({ query: { kind, material, id }, orders: orders.filter((o) => allows(scopes, o.site, o.line)) });
    const route = { params: GenealogyParams, response: { 200: GenealogyAnswer }, tags: ['genealogy'] };

    app.get('/genealogy/component-batches/:material/:id', {
      schema: { ...route, summary: 'Which orders, finished batches and serials used component batch :id of :material' },
      config: { roles: READERS, filtersByPlace: true },
    }, async (req) => answer('component-batch', req.params.material, req.params.id, await usedComponentBatch(db, req.params.material, req.params.id), req.actor!.scopes));

    app.get('/genealogy/finished-batches/:material/:id', {
      schema: { ...route, summary: 'What went into finished batch :id of :material: its orders, their component batches and quality results' },
      config: { roles: READERS, filtersByPlace: true },
    }, async (req) => answer('finished-batch', req.params.material, req.params.id, await madeFinishedBatch(db, req.params.material, req.params.id), req.actor!.scopes));

    app.get('/genealogy/serials/:material/:id', {
      schema: { ...route, summary: 'What went into finished serial :id of :material: its order, component batches and quality results' },
      config: { roles: READERS, filtersByPlace: true },
    }, async (req) => answer('serial', req.params.material, req.params.id, await madeSerial(db, req.params.material, req.params.id), req.actor!.scopes));
  };
}
