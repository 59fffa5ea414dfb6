import type { WorkflowHandle } from '@temporalio/client';
import type { Histogram } from 'prom-client';

/** A prom-client histogram's count, sum and cumulative buckets at one moment, to take the difference of two moments. */
export interface HistSnapshot {
  count: number;
  sum: number;
  buckets: Map<number, number>;
}

export async function snapshot(h: Histogram): Promise<HistSnapshot> {
  const { values } = await h.get();
  const s: HistSnapshot = { count: 0, sum: 0, buckets: new Map() };
  for (const v of values) {
    if (v.metricName?.endsWith('_count')) s.count += v.value;
    else if (v.metricName?.endsWith('_sum')) s.sum += v.value;
    else if (v.labels.le !== undefined && v.labels.le !== '+Inf') s.buckets.set(Number(v.labels.le), (s.buckets.get(Number(v.labels.le)) ?? 0) + v.value);
  }
  return s;
}

/** Mean, and the bucket bound under which 99 % fell, between two snapshots (in the histogram's unit, times `scale`). */
export function between(a: HistSnapshot, b: HistSnapshot, scale = 1): { n: number; mean: number; p99AtMost: number } {
  const n = b.count - a.count;
  const mean = n > 0 ? ((b.sum - a.sum) / n) * scale : 0;
  let p99AtMost = Infinity;
  for (const [le, c] of [...b.buckets].sort((x, y) => x[0] - y[0])) {
    if (c - (a.buckets.get(le) ?? 0) >= 0.99 * n) {
      p99AtMost = le * scale;
      break;
    }
  }
  return { n, mean: Number(mean.toFixed(2)), p99AtMost };
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;
type Ts = { seconds?: unknown; nanos?: number | null } | null | undefined;
const ms = (t: Ts) => (t ? Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6 : 0);

/**
 * Where a signal's time goes inside Temporal, from the run's own history: signalled -> its workflow task started
 * (Temporal's dispatch to the worker), and started -> completed (the worker's activation of the workflow code).
 */
export async function historyTimings(h: WorkflowHandle): Promise<{ signals: number; dispatchP50Ms: number; dispatchP99Ms: number; activationP50Ms: number; activationP99Ms: number }> {
  const events = (await h.fetchHistory()).events ?? [];
  const dispatch: number[] = [];
  const activation: number[] = [];
  let waiting: number[] = [];
  let startedAt: number | undefined;
  for (const e of events) {
    if (e.workflowExecutionSignaledEventAttributes) waiting.push(ms(e.eventTime));
    else if (e.workflowTaskStartedEventAttributes) {
      startedAt = ms(e.eventTime);
      for (const t of waiting) dispatch.push(startedAt - t);
      waiting = [];
    } else if (e.workflowTaskCompletedEventAttributes && startedAt !== undefined) activation.push(ms(e.eventTime) - startedAt);
  }
  return {
    signals: dispatch.length,
    dispatchP50Ms: Math.round(pct(dispatch, 50)),
    dispatchP99Ms: Math.round(pct(dispatch, 99)),
    activationP50Ms: Math.round(pct(activation, 50)),
    activationP99Ms: Math.round(pct(activation, 99)),
  };
}
