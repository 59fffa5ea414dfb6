import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordUnassigned } from '../../db/unassigned-production.js';
import { unassignedProduction } from '../../schema/index.js';
import { assignUnassigned } from '../../services/unassigned-production.js';
import { statusQuery } from '../../workflows/definitions.js';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { releaseOrder } from '../helpers/release.js';

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
    const assigned = results.map((r) => (r.status === 'fulfilled' ? r.value.assigned : 0));
    const [row] = await engine.services.db.select().from(unassignedProduction).where(eq(unassignedProduction.eventId, eventId));
    expect(row).toMatchObject({ status: 'assigned' });
    await eventually(async () => ((await b.query(statusQuery)).good + (await c.query(statusQuery)).good > 0 ? true : undefined), 'the row counted');
    await new Promise((r) => setTimeout(r, 500)); // a second signal, when one went out, lands meanwhile
    const goods = [(await b.query(statusQuery)).good, (await c.query(statusQuery)).good];
    // Nine pieces, counted by the one order the row says it went to.
    expect(goods[0] + goods[1]).toBe(9);
    expect(assigned[0] + assigned[1]).toBe(1);
    expect(row!.assignedTo).toBe(goods[0] === 9 ? b.workflowId : c.workflowId);
  });
});
