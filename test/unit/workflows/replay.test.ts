import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundle } from '@temporalio/worker';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { installTemporalRuntime } from '../../../workers/wiring/temporal-runtime.js';
import { bundleMesWorkflows, workflowsPath } from '../../../workers/wiring/temporal-worker.js';

// Recorded histories (MES_RECORD_HISTORIES=1 on work-order.test.ts, work-order-planner.test.ts, work-order-components.test.ts,
// work-order-read-model.test.ts, work-order-batches.test.ts,
// shift.test.ts, shift-oee.test.ts and the *-deltas tests; the *-traced.json ones are work-order-planner.test.ts's
// recorded after the tracing interceptors came, kept beside the untraced ones of the same tests)
// against the current bundle: a change to the commands a workflow issues, not guarded by patched(), fails here.
// No server needed.
const historiesDir = path.join(import.meta.dirname, '../../fixtures/histories');
const files = readdirSync(historiesDir).filter((f) => f.endsWith('.json')).sort();
let bundle: WorkflowBundle;

beforeAll(async () => {
  installTemporalRuntime(pino({ level: 'silent' }), 'ERROR');
  // As the worker bundles it: with the tracing interceptors, which runs recorded before them must not notice.
  bundle = await bundleMesWorkflows(new DefaultLogger('ERROR'));
});

describe('recorded workflow histories', () => {
  it('are there, one per workflow type at least', () => {
    expect(files.length).toBeGreaterThan(0);
    // The shift's two runs (continued as new, closed with downtime) included.
    expect(files).toEqual(expect.arrayContaining(['work-order-rejected-then-confirmed.json', 'shift-continued-as-new.json', 'shift-closed-with-downtime.json']));
  });

  it('include runs recorded with the tracing interceptors (patch otel-interceptors), updates answered among activities', async () => {
    const traced = files.filter((f) => f.endsWith('-traced.json'));
    expect(traced).toEqual(['work-order-cancelled-after-partials-traced.json', 'work-order-held-then-resumed-traced.json', 'work-order-quality-hold-scrapped-traced.json']);
    for (const f of traced) {
      // The patch id is in the marker's JSON payload, base64 in the history's JSON.
      const markers = (await readFile(path.join(historiesDir, f), 'utf8')).match(/"data": ?"[A-Za-z0-9+/=]+"/g) ?? [];
      expect(markers.some((m) => Buffer.from(m.split('"').at(-2)!, 'base64').toString().includes('"id":"otel-interceptors"'))).toBe(true);
    }
  });

  it.each(files)('%s replays with the current workflow code', async (f) => {
    const history: unknown = JSON.parse(await readFile(path.join(historiesDir, f), 'utf8'));
    await Worker.runReplayHistory({ workflowBundle: bundle }, history, f);
  });
});

// Why every bundle carries workflows/tracing-interceptors.ts: a traced run replayed without the interceptors orders
// its commands otherwise. Should the module ever leave the bundle, this says what breaks.
describe('a bundle without the tracing interceptors', () => {
  it('fails to replay a run recorded with them (TMPRL1100)', async () => {
    const plain = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('ERROR') });
    const f = 'work-order-held-then-resumed-traced.json';
    const history: unknown = JSON.parse(await readFile(path.join(historiesDir, f), 'utf8'));
    await expect(Worker.runReplayHistory({ workflowBundle: plain }, history, f)).rejects.toThrow(/TMPRL1100|[Nn]ondeterminism/);
  });
});
