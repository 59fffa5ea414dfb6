import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordUnassigned } from '../../db/unassigned-production.js';
import { unassignedProduction } from '../../schema/index.js';
import { assignUnassigned } from '../../services/unassigned-production.js';
import { productionCountsSignal, retryPostingSignal, statusQuery } from '../../workflows/definitions.js';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { releaseOrder } from '../helpers/release.js';
import { resultOf } from '../helpers/workflow-result.js';

// Unassigned production handed to an order: each piece reaches at most one order, whoever assigns it.
let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine({ bridge: false });
});
afterAll(async () => {
  await engine?.stop();
});

describe('assigning unassigned production', () => {
  it('gives a row to one order when two planners assign it to different orders at once', async () => {
    const eventId = 'work-order:plant1:5888888#1-1:press-1';
    await recordUnassigned(engine.services.db, [{
      site: 'plant1', line: 'line-1', reason: 'order-closed',
      count: { eventId, machine: 'press-1', sourceTime: new Date().toISOString(), good: 9, scrap: 0 },
    }]);
    const b = await releaseOrder(engine, '5888001', 'line-1', '1000');
    const c = await releaseOrder(engine, '5888002', 'line-1', '1000');
    const deps = { db: engine.services.db, client: engine.services.client };
    const results = await Promise.allSettled([
      assignUnassigned(deps, { site: 'plant1', erpOrderId: '5888001', eventIds: [eventId], assignedBy: 'planner-ann' }),
      assignUnassigned(deps, { site: 'plant1', erpOrderId: '5888002', eventIds: [eventId], assignedBy: 'planner-bob' }),
    ]);
    const [row] = await engine.services.db.select().from(unassignedProduction).where(eq(unassignedProduction.eventId, eventId));
    expect(row).toMatchObject({ status: 'assigned' });
    await eventually(async () => ((await b.query(statusQuery)).good + (await c.query(statusQuery)).good > 0 ? true : undefined), 'the row counted');
    await new Promise((r) => setTimeout(r, 500)); // a second signal, when one went out, lands meanwhile
    const [goodB, goodC] = [(await b.query(statusQuery)).good, (await c.query(statusQuery)).good];
    const [assignedB, assignedC] = results.map((r) => (r.status === 'fulfilled' ? r.value.assigned : 0));
    // Nine pieces, counted by the one order the row says it went to.
    expect(goodB + goodC).toBe(9);
    expect(assignedB! + assignedC!).toBe(1);
    expect(row!.assignedTo).toBe(goodB === 9 ? b.workflowId : c.workflowId);
  });

  it('leaves a row open for a planner when the order it is assigned to is closing and takes no counts', async () => {
    const eventId = 'work-order:plant1:5888889#1-1:press-1';
    await recordUnassigned(engine.services.db, [{
      site: 'plant1', line: 'line-1', reason: 'order-closed',
      count: { eventId, machine: 'press-1', sourceTime: new Date().toISOString(), good: 4, scrap: 0 },
    }]);
    // The order reaches its quantity and its final confirmation is refused: parked, closing, taking no counts.
    engine.erpFaults.set({ rejectOrders: ['5888003'] });
    const h = await releaseOrder(engine, '5888003', 'line-1', '10');
    await h.signal(productionCountsSignal, { v: 1, events: [{ eventId: 'closing-1', machine: 'press-1', sourceTime: new Date().toISOString(), good: 10, scrap: 0 }] });
    await eventually(async () => ((await h.query(statusQuery)).phase === 'exception' ? true : undefined), 'the final confirmation parked', 60_000);
    await assignUnassigned({ db: engine.services.db, client: engine.services.client }, { site: 'plant1', erpOrderId: '5888003', eventIds: [eventId], assignedBy: 'planner-ann' });
    engine.erpFaults.set({});
    await h.signal(retryPostingSignal, { requestedBy: 'planner' });
    const result = await resultOf(h);
    const [row] = await engine.services.db.select().from(unassignedProduction).where(eq(unassignedProduction.eventId, eventId));
    // The four pieces are counted by the order, or stay open for a planner: once, never neither. (The order keeps them
    // aside as late counts; recordLateCounts' insert used to find the row and do nothing, leaving it `assigned`.)
    expect(result).toMatchObject({ phase: 'confirmed' });
    expect(result.good + (row!.status === 'open' ? row!.good : 0)).toBe(14);
  });
});
