import type { ServerResponse } from 'node:http';
import { asc, inArray } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { LiveEvent } from '../../contracts/messages/supervisor-live.js';
import { activeOrderOnLine } from '../../db/active-order.js';
import { phaseOfRow } from '../../db/order-phase.js';
import { httpError } from '../../http/problem.js';
import { lines, workOrders } from '../../schema/index.js';
import { shiftOf } from '../../shifts/shift-of.js';
import { READERS } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { lineCalendar } from '../line-calendars.js';
import { LiveHub } from '../live/hub.js';
import { TicketStore } from '../live/tickets.js';
import { scopeCondition } from '../scope.js';
import { EventsQuery, SupervisorLines, TicketResponse } from '../schemas/supervisor.js';

/** A comment line every 15 s keeps proxies and the browser from timing an idle stream out. */
const KEEP_ALIVE_MS = 15_000;
/**
 * Bytes a stream may have waiting for a client that does not read (a tablet asleep on a bad link): past it the
 * stream is ended rather than growing in the API's memory; the page reconnects and reads everything again.
 */
const MAX_BUFFERED_BYTES = 1 << 20;

/**
 * The supervisor page's reads (docs/supervisor-page.md): the lines of the token's places with their active orders
 * and current shifts, and the live stream of work in progress and exception notices, filtered by the same places.
 * Everything else the page shows comes from the API's own routes (orders, shifts, holds, exceptions).
 */
export function supervisorRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const { db } = deps;
  const tickets = new TicketStore();
  return async (app) => {
    const hub = deps.nc ? new LiveHub(deps.nc) : null;
    const streams = new Set<ServerResponse>();
    // Open streams would hold app.close() until every browser went away: end them first.
    app.addHook('preClose', async () => {
      for (const s of streams) s.end();
      hub?.close();
    });

    app.get('/supervisor/lines', {
      schema: { response: { 200: SupervisorLines }, tags: ['supervisor'], summary: "The token's lines: active order (read model) and current shift" },
      config: { roles: READERS },
    }, async (req) => {
      const rows = await db
        .select({ site: lines.siteCode, line: lines.code, name: lines.name })
        .from(lines)
        .where(scopeCondition(req.actor!.scopes, lines.siteCode, lines.code))
        .orderBy(asc(lines.siteCode), asc(lines.code));
      // Calendars from the API's cache (api/line-calendars.ts): one object per line, so shiftOf's memo holds.
      const [active, calendars] = await Promise.all([
        Promise.all(rows.map((r) => activeOrderOnLine(db, r.site, r.line))),
        Promise.all(rows.map((r) => lineCalendar(db, r.site, r.line))),
      ]);
      const ids = active.flatMap((a) => (a ? [a.workflowId] : []));
      const orders = new Map((ids.length ? await db.select().from(workOrders).where(inArray(workOrders.workflowId, ids)) : []).map((o) => [o.workflowId, o]));
      const now = new Date().toISOString();
      const slotOf = (x: { date: string; shiftCode: string; startsAt: string; endsAt: string }) => ({ date: x.date, shiftCode: x.shiftCode, startsAt: x.startsAt, endsAt: x.endsAt });
      return {
        lines: rows.map((r, i) => {
          const o = active[i] ? orders.get(active[i].workflowId) : undefined;
          const slot = shiftOf(now, calendars[i]!);
          return {
            site: r.site, line: r.line, name: r.name,
            activeOrder: o ? {
              workflowId: o.workflowId, erpOrderId: o.erpOrderId, material: o.material, plannedQuantity: String(Number(o.plannedQuantity)), unit: o.unit,
              phase: phaseOfRow(o), good: o.goodQuantity, scrap: o.scrapQuantity, held: o.statusDoc?.held ?? false,
              qualityHeld: o.statusDoc?.qualityHeld ?? 0, asOf: o.asOf?.toISOString() ?? null,
            } : null,
            shift: slot ? slotOf(slot) : null,
          };
        }),
      };
    });

    app.post('/supervisor/tickets', {
      schema: { response: { 200: TicketResponse }, tags: ['supervisor'], summary: 'A single-use ticket (30 s) to open the live stream with, for EventSource, which cannot send a token' },
      config: { roles: READERS },
    }, async (req) => {
      const { ticket, expiresAt } = tickets.issue(req.actor!);
      return { ticket, expiresAt: new Date(expiresAt).toISOString() };
    });

    // No `config.roles`: the ticket, not a header, says who is watching (api/live/tickets.ts).
    app.get('/supervisor/events', {
      schema: { querystring: EventsQuery, tags: ['supervisor'], summary: 'Server-sent events: work in progress and exception notices of the ticket\'s places' },
    }, async (req, reply) => {
      if (!hub) throw httpError(503, 'live updates need NATS, which this API process is not connected to');
      const actor = tickets.redeem(req.query.ticket);
      if (!actor) throw httpError(401, 'ticket unknown, used or expired: POST /supervisor/tickets for a new one');
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      // `retry`: how long the browser waits before it reconnects after a drop (with a new ticket, see ui/live.js).
      res.write('retry: 3000\n: connected\n\n');
      streams.add(res);
      const send = (e: LiveEvent) => {
        if (res.writableLength > MAX_BUFFERED_BYTES) res.end();
        else res.write(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
      };
      const stop = hub.listen(actor.scopes, send);
      const beat = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
      res.on('close', () => {
        clearInterval(beat);
        stop();
        streams.delete(res);
      });
    });
  };
}
