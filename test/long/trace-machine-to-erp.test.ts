import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../edge/gateway.js';
import { startTracing, type Tracing } from '../../observability/tracing.js';
import { startOpcuaLine, type SimLine } from '../../simulators/opcua-line/server.js';
import { completeOrderSignal, statusQuery } from '../../workflows/definitions.js';
import { counterReadings, waitFor } from '../helpers/edge.js';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver.js';
import { releaseOrder } from '../helpers/release.js';
import { plantWithSimLine } from '../helpers/sim-plant.js';
import { resultOf } from '../helpers/workflow-result.js';
import { seedPlantForBridge, startLineGateway } from '../helpers/line-gateway.js';

// Issue 15 item 4's "Done when": the exported spans of one machine event form one trace from the gateway to the ERP
// posting. Real servers and processes' wiring (in one process): the OPC UA line simulator -> the edge gateway ->
// NATS -> the signal bridge -> the work-order workflow -> the ERP simulator, traced over OTLP/HTTP to a receiver the
// test runs.

const ORDER = '7300001';
const LINE = 'line-7';
const MACHINE = 'weld-7';
const CYCLE_MS = 100;

let receiver: OtlpReceiver;
let tracing: Tracing | undefined;
let engine: TestEngine;
let sim: SimLine;
let gateway: Gateway;
let edgeNc: NatsConnection;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mes-trace-'));
  receiver = await startOtlpReceiver();
  // Before the engine: its Temporal client and worker take the interceptors only when the process traces.
  tracing = startTracing('mes-test', { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
  engine = await startTestEngine();
  sim = await startOpcuaLine({
    machines: [{ code: MACHINE, cycleMs: CYCLE_MS, scrapRate: 0.1, counterType: 'UInt32' }],
    certDir: path.join(dir, 'pki-sim'),
    running: false,
  });
});

afterAll(async () => {
  // Each one is stopped even when another one's stop fails.
  const stops: Array<() => Promise<unknown> | undefined> = [
    () => gateway?.stop(), () => sim?.stop(), () => edgeNc?.close(), () => engine?.stop(), () => tracing?.shutdown(), () => receiver?.stop(),
  ];
  const failed: unknown[] = [];
  for (const stop of stops) await Promise.resolve(stop()).catch((err: unknown) => failed.push(err));
  if (dir) await rm(dir, { recursive: true, force: true });
  if (failed.length > 0) throw failed[0];
});

/** From a span up through its parents, as far as the received spans go: the span first, its trace's root last. */
function ancestry(span: ReceivedSpan, spans: ReceivedSpan[]): ReceivedSpan[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const chain = [span];
  for (let p = span.parentSpanId; p !== undefined && chain.length < 50; ) {
    const parent = byId.get(p);
    if (!parent) break;
    chain.push(parent);
    p = parent.parentSpanId;
  }
  return chain;
}

describe('one trace from the machine to the ERP', () => {
  it('puts the gateway\'s publish, the bridge, the signal, the workflow and the ERP confirmation of one event in one trace', async () => {
    expect(tracing).toBeDefined();
    const plant = await plantWithSimLine({
      endpoint: sim.endpoint, line: LINE, name: 'Weld line 7', cycleMs: CYCLE_MS, countingPoints: [MACHINE],
      machines: [{ code: MACHINE, name: 'Welder 7', dataType: 'UInt32' }],
    });
    const { bridgeKnowsMachines } = await seedPlantForBridge(engine, plant);
    ({ gateway, nc: edgeNc } = await startLineGateway(engine, plant, LINE, dir, 10_000));
    await waitFor('both counters read once (their baseline)', async () => (await counterReadings(gateway)) >= 2);
    const h = await releaseOrder(engine, ORDER, LINE, '1000');
    await bridgeKnowsMachines();

    sim.setRunning(true);
    await eventually(async () => ((await h.query(statusQuery)).good > 0 ? true : undefined), 'the welder\'s first pieces on the order');
    sim.setRunning(false);
    const made = sim.produced(MACHINE);
    await waitFor('every piece made on the order', async () => (await h.query(statusQuery)).good === made.good, 15_000);
    await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'trace-test' });
    expect(await resultOf(h)).toMatchObject({ phase: 'confirmed', good: made.good });

    // The workflow's spans leave through the worker's sink, the others through the batch processor: flush, then read.
    let posting: ReceivedSpan | undefined;
    await waitFor('the ERP confirmation\'s span exported', async () => {
      await tracing!.spanProcessor.forceFlush();
      posting = receiver.spans.find((s) => s.name === 'RunActivity:postConfirmation');
      return posting !== undefined;
    }, 15_000);
    expect(receiver.errors).toEqual([]);

    // The confirmation's trace, parent by parent, up to its root: the gateway's publish of the welder's counter event.
    const trace = receiver.spans.filter((s) => s.traceId === posting!.traceId);
    const chain = ancestry(posting!, trace).map((s) => s.name);
    expect(chain).toEqual([
      'RunActivity:postConfirmation',
      'StartActivity:postConfirmation',
      'HandleSignal:productionDeltas',
      'SignalWorkflow:productionDeltas',
      'relay work-order',
      `process mes.plant1.${LINE}.${MACHINE}.counter`,
      `publish mes.plant1.${LINE}.${MACHINE}.counter`,
    ]);
    const root = ancestry(posting!, trace).at(-1)!;
    expect(root.parentSpanId).toBeUndefined();
    expect(root.attributes['messaging.destination.name']).toBe(`mes.plant1.${LINE}.${MACHINE}.counter`);
    expect(Number(root.attributes['mes.events'])).toBeGreaterThan(0);
    // The final confirmation's backflush (261) went out in the same trace, before the confirmation.
    expect(trace.map((s) => s.name)).toContain('RunActivity:postGoodsIssue');
    // One trace per gateway message: no span of this trace is the publish of another message.
    expect(trace.filter((s) => s.name.startsWith('publish '))).toHaveLength(1);
  });
});
