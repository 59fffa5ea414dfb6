import { rm } from 'node:fs/promises';
import { DefaultLogger, Worker, type WorkflowBundle } from '@temporalio/worker';
import pino from 'pino';
import type { Activities } from '../activities/index.js';
import { startTemporal } from '../stack/temporal.js';
import { installTemporalRuntime } from '../workers/wiring/temporal-runtime.js';
import { bundleMesWorkflows } from '../workers/wiring/temporal-worker.js';
import { workflowSpanSinks } from '../workers/wiring/temporal-tracing.js';
import { productionCountsSignal } from '../workflows/definitions.js';
import { workOrderWorkflow } from '../workflows/work-order.js';
import { benchDir, note, throughput } from './_util.js';

const STARTS = 300;
const SIGNALS = 600;
const IN_FLIGHT = 64;

const activities: Activities = {
  postConfirmation: async (i) => ({ document: 'D', postingKey: `${i.workflowId}#${i.postingSeq}`, replayed: false }),
  postGoodsIssue: async (i) => ({ document: 'G', postingKey: `${i.workflowId}#${i.postingSeq}`, replayed: false }),
  postGoodsReceipt: async (i) => ({ document: 'R', postingKey: `${i.workflowId}#${i.postingSeq}`, replayed: false }),
  reverseGoodsIssue: async () => null,
  reverseGoodsReceipt: async () => null,
  postBlockedReceipt: async (i) => ({ document: 'B', postingKey: `${i.workflowId}#${i.postingSeq}`, replayed: false }),
  moveBlockedStock: async (i) => ({ document: 'M', postingKey: `${i.workflowId}#${i.postingSeq}`, replayed: false }),
  reverseBlockedStock: async () => null,
  postGoodsMovementCorrection: async (i) => ({ document: 'X', postingKey: `${i.workflowId}#${i.postingSeq}`, replayed: false }),
  cancelConfirmation: async () => null,
  publishQualityEvents: async () => undefined,
  loadOrderContext: async () => ({ bom: [], plant: null, storageLocation: null, materialUnit: null }),
  loadLineContext: async () => ({ plant: null, costCenter: null }),
  nextShift: async () => null,
  raiseQualityNotification: async (i) => ({ document: 'Q', postingKey: `${i.workflowId}#${i.postingSeq}`, replayed: false }),
  postDowntime: async (i) => ({ document: 'T', postingKey: `${i.workflowId}#${i.postingSeq}`, replayed: false }),
  upsertWorkOrder: async () => {},
  upsertShiftOee: async () => {},
  recordLateCounts: async () => {},
  allocateComponentBatches: async (i) => i.items,
  releaseComponentBatches: async () => {},
  recordOrderOutput: async () => ({ batch: 'B', serialCount: 0 }),
};

const release = (id: string) => ({
  v: 1 as const, site: 'plant1', erpOrderId: id, material: 'BRACKET-A', quantity: '1000000', unit: 'PC', line: 'line-1',
  operation: '0010', releasedAt: '2026-01-05T06:00:00Z',
});

/** Starts and signals per second against one dev server, one at a time and IN_FLIGHT at once. */
async function measure(workflowBundle: WorkflowBundle, sqliteDefaults: boolean) {
  const dir = await benchDir('temporal');
  const temporal = await startTemporal({ dataDir: dir, sqliteDefaults });
  const taskQueue = 'bench-temporal';
  const worker = await Worker.create({ connection: temporal.env.nativeConnection, taskQueue, workflowBundle, activities, sinks: workflowSpanSinks() });
  const client = temporal.env.client;
  const label = sqliteDefaults ? 'SQLite defaults' : 'WAL + synchronous=NORMAL';
  const figures = await worker.runUntil(async () => {
    const start = (prefix: string) => (i: number) =>
      client.workflow.start(workOrderWorkflow, { taskQueue, workflowId: `work-order:bench:${prefix}${i}`, args: [{ release: release(`${i}`) }] });
    const signal = (i: number) =>
      client.workflow.getHandle(`work-order:bench:p${i % STARTS}`).signal(productionCountsSignal, {
        v: 1, events: [{ eventId: `b${i}`, machine: 'm1', sourceTime: '2026-01-05T06:00:00Z', good: 1, scrap: 0 }],
      });
    const r = {
      startsSeq: await throughput(STARTS, 1, start('s')),
      startsPar: await throughput(STARTS, IN_FLIGHT, start('p')),
      signalsSeq: await throughput(SIGNALS, 1, signal),
      signalsPar: await throughput(SIGNALS, IN_FLIGHT, (i) => signal(SIGNALS + i)),
    };
    note(`${label}: ${JSON.stringify(r)}`);
    return r;
  });
  await temporal.stop();
  await rm(dir, { recursive: true, force: true });
  return figures;
}

/**
 * Work-order workflow starts and signals per second on the Temporal dev server (SQLite, one shard), one at a time
 * and with many in flight, with a worker running the real workflow code and no-op activities. Baseline: the same
 * load against the dev server with SQLite's default journal, in the same process.
 */
export async function run(): Promise<Record<string, number>> {
  installTemporalRuntime(pino({ level: 'silent' }), 'ERROR');
  const workflowBundle = await bundleMesWorkflows(new DefaultLogger('ERROR'));
  const baseline = await measure(workflowBundle, true);
  const tuned = await measure(workflowBundle, false);
  const ratio = (a: number, b: number) => Number((a / b).toFixed(2));
  return {
    startsPerSecSequential: tuned.startsSeq,
    startsPerSecConcurrent: tuned.startsPar,
    signalsPerSecSequential: tuned.signalsSeq,
    signalsPerSecConcurrent: tuned.signalsPar,
    inFlight: IN_FLIGHT,
    concurrentVsSequentialSignals: ratio(tuned.signalsPar, tuned.signalsSeq),
    baselineStartsPerSecConcurrent: baseline.startsPar,
    baselineSignalsPerSecConcurrent: baseline.signalsPar,
    ratioVsSqliteDefaultsStarts: ratio(tuned.startsPar, baseline.startsPar),
    ratioVsSqliteDefaultsSignals: ratio(tuned.signalsPar, baseline.signalsPar),
  };
}
