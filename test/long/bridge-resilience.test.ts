import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workOrderWorkflowId } from '../../contracts/ids.js';
import { erpReleaseSubject } from '../../contracts/names.js';
import { startTemporal } from '../../stack/temporal.js';
import { statusQuery } from '../../workflows/definitions.js';
import type { workOrderWorkflow } from '../../workflows/work-order.js';
import { spawnBridge } from '../helpers/engine-process.js';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { goodCounts, publishEvents } from '../helpers/machine-events.js';

// The bridge runs as its own OS process here, so it can be killed the hard way.
let engine: TestEngine;
let bridge: ChildProcess | undefined;
beforeAll(async () => {
  engine = await startTestEngine({ bridge: false });
});
afterAll(async () => {
  bridge?.kill('SIGKILL');
  await engine?.stop();
});


describe('signal bridge under failure', () => {
  it('applies every event exactly once across a SIGKILL of the bridge and a Temporal restart', async () => {
    const erpOrderId = '4000001';
    const r = { v: 1, site: 'plant1', erpOrderId, material: 'BRACKET-A', quantity: '1000000', unit: 'PC', line: 'line-2', operation: '0010', releasedAt: new Date().toISOString() };
    await jetstream(engine.services.nc).publish(erpReleaseSubject('plant1'), JSON.stringify(r), { msgID: `r-${erpOrderId}` });
    const h = engine.services.client.workflow.getHandle<typeof workOrderWorkflow>(workOrderWorkflowId('plant1', erpOrderId));
    await eventually(async () => ((await h.query(statusQuery)).phase === 'released' ? true : undefined), 'release');
    // The read model row is what the bridge's context reads: events before it would be unassigned production.
    await eventually(async () => {
      const rows = await engine.services.db.query.workOrders.findMany({ where: (w, { eq }) => eq(w.workflowId, h.workflowId) });
      return rows.length > 0 ? true : undefined;
    }, `read model row of order ${erpOrderId}`);

    bridge = await spawnBridge(engine);
    const events = goodCounts({ line: 'line-2', machine: 'robot-1', n: 30_000, startMs: Date.now() - 60_000, stepMs: 1, prefix: 'kill', delta: 2 });
    const third = events.length / 3;
    await publishEvents(engine.services.nc, events.slice(0, third), 100, 4);
    await eventually(async () => ((await h.query(statusQuery)).eventsApplied > 0 ? true : undefined), 'first events applied');

    bridge.kill('SIGKILL'); // mid-stream: some messages fetched and not acked, some signals sent and not acked
    await publishEvents(engine.services.nc, events.slice(third, 2 * third), 100, 4);
    bridge = await spawnBridge(engine);

    // Temporal goes away and comes back on the same port and SQLite file, while events keep coming.
    const port = Number(engine.stack.temporal.address.split(':')[1]);
    const uiPort = Number(new URL(engine.stack.temporal.uiUrl).port);
    await engine.stack.temporal.stop();
    const publishing = publishEvents(engine.services.nc, events.slice(2 * third), 100, 4);
    await new Promise((res) => setTimeout(res, 1_000));
    engine.stack.temporal = await startTemporal({ dataDir: path.join(engine.dataDir, 'temporal'), port, uiPort });
    await publishing;

    const final = await eventually(async () => {
      const s = await h.query(statusQuery).catch(() => undefined);
      return s && s.eventsApplied >= events.length ? s : undefined;
    }, 'every event applied', 180_000);
    expect(final.eventsApplied).toBe(30_000);
    expect(final.good).toBe(60_000);
  });
});
