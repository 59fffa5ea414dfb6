import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DefaultLogger, Worker, type WorkflowBundle } from '@temporalio/worker';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { installTemporalRuntime } from '../../../workers/wiring/temporal-runtime.js';
import { bundleMesWorkflows } from '../../../workers/wiring/temporal-worker.js';

// Recorded histories (MES_RECORD_HISTORIES=1 on work-order.test.ts, work-order-planner.test.ts, work-order-components.test.ts,
// shift.test.ts and the *-deltas tests)
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

  it.each(files)('%s replays with the current workflow code', async (f) => {
    const history: unknown = JSON.parse(await readFile(path.join(historiesDir, f), 'utf8'));
    await Worker.runReplayHistory({ workflowBundle: bundle }, history, f);
  });
});

