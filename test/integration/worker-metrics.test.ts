import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../stack/free-port.js';
import { completeOrderSignal } from '../../workflows/definitions.js';
import { dashboardMetricNames } from '../helpers/dashboard.js';
import { spawnEngineProcess } from '../helpers/engine-process.js';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { counts, sendInBatches } from '../helpers/orders.js';
import { releaseOrder } from '../helpers/release.js';
import { resultOf } from '../helpers/workflow-result.js';

// Issue 15 item 4's metrics of the worker: the Temporal worker process (workers/temporal-worker.ts) serves the ERP
// adapter's calls, errors and latency, and the Temporal SDK's own metrics, each on its Prometheus endpoint.

const ORDER = '7400001';
let engine: TestEngine;
let worker: ChildProcess | undefined;
let ports: { worker: number; temporal: number };

beforeAll(async () => {
  engine = await startTestEngine({ worker: false });
  ports = { worker: await freePort(), temporal: await freePort() };
  worker = spawnEngineProcess(engine, 'temporal-worker', { MES_WORKER_METRICS_PORT: String(ports.worker), MES_TEMPORAL_METRICS_PORT: String(ports.temporal) });
});

afterAll(async () => {
  if (worker && worker.exitCode === null) {
    const exited = new Promise((r) => worker!.once('exit', r));
    worker.kill('SIGTERM');
    await exited;
  }
  await engine?.stop();
});

const scrape = async (port: number) => {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
};

describe('the worker process\'s Prometheus metrics', () => {
  it('count and time its ERP calls by adapter and operation, and serve the Temporal SDK\'s worker metrics', async () => {
    const h = await releaseOrder(engine, ORDER, 'line-1', '10');
    await sendInBatches(h, counts('wm', 4, 1, 0), 2);
    await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'worker-metrics' });
    expect(await resultOf(h)).toMatchObject({ phase: 'confirmed', good: 4 });

    const ours = await scrape(ports.worker);
    // The final confirmation and its backflush went through the adapter, each once and each answered.
    expect(ours).toMatch(/^mes_erp_calls_total\{adapter="sim",operation="postConfirmation",outcome="ok"\} 1$/m);
    expect(ours).toMatch(/^mes_erp_calls_total\{adapter="sim",operation="postGoodsMovement",outcome="ok"\} 1$/m);
    expect(ours).toMatch(/^mes_erp_call_seconds_count\{adapter="sim",operation="postConfirmation"\} 1$/m);
    expect(ours).not.toMatch(/^mes_erp_errors_total\{/m);
    // The SDK's metrics come from its Core: the workflow the worker completed is counted there.
    const sdk = await eventually(async () => {
      const text = await scrape(ports.temporal);
      return /^temporal_workflow_completed\{[^}]*\} [1-9]/m.test(text) ? text : undefined;
    }, 'the Temporal SDK\'s workflow completion metric');
    expect(sdk).toMatch(/^temporal_activity_execution_latency_(bucket|count)\{/m);
    // The shipped Grafana dashboard's Temporal panels query names this endpoint has.
    const sdkNames = new Set([...sdk.matchAll(/^(temporal_[a-z0-9_]+?)(?:_bucket|_count|_sum)?\{/gm)].map((m) => m[1]!));
    expect(dashboardMetricNames('temporal_').filter((n) => !sdkNames.has(n))).toEqual([]);
  });
});
