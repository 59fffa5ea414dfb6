import { buildPlannerApi } from '../api/app.js';
import { issueToken } from '../api/auth.js';
import { startWorkOrder } from '../services/start-work-order.js';
import { statusQuery } from '../workflows/definitions.js';
import { startBenchEngine } from './_engine.js';
import { loadFromOwnProcess, type LoadFigures } from './_http-load.js';
import { note } from './_util.js';

const REQUESTS = 3_000;
/** Rounds of /health then status reads: the machine's load drifts within seconds, so each round gives a ratio. */
const ROUNDS = 5;
const CONCURRENCY = 32;
const ORDERS = 20;
/** Fewer for the workflow queries: each is a round trip through Temporal and the worker, hundreds a second at best. */
const CONSISTENT_REQUESTS = 1_000;

const load = (urls: string[], token: string, requests = REQUESTS) => loadFromOwnProcess({ urls, token, requests, concurrency: CONCURRENCY });

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const pct = (sorted: number[], q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
const shown = ({ latencies: _, ...figures }: LoadFigures) => JSON.stringify(figures);

/**
 * Order status reads (`GET /orders/:site/:id`: the read model's status document and the posting ledger, one
 * statement) under 32 concurrent clients over loopback HTTP (from a process of their own), against `GET /health` of the same server in the same
 * run as the baseline; and, for comparison, the same reads with `?consistent=true` (a workflow query each).
 * The machine is shared and noisy: the ratio to /health (the median of ROUNDS rounds, each baseline and status reads
 * back to back) is the figure to compare between runs.
 */
export async function run(): Promise<Record<string, number>> {
  const engine = await startBenchEngine('api');
  const { services } = engine;
  const ids = Array.from({ length: ORDERS }, (_, i) => String(7_000_000 + i));
  for (const id of ids)
    await startWorkOrder(services.client, { v: 1, site: 'plant1', erpOrderId: id, material: 'BRACKET-A', quantity: '100', unit: 'PC', line: 'line-1', operation: '0010', releasedAt: new Date().toISOString() });
  for (const id of ids) await services.client.workflow.getHandle(`work-order:plant1:${id}`).query(statusQuery);
  const token = await issueToken(services.db, 'bench-viewer', 'viewer');
  const app = await buildPlannerApi({ db: services.db, client: services.client });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  // Every order's row holds its status document before the clock starts, so no read falls back to the workflow.
  for (const id of ids) {
    const r = await fetch(`${base}/orders/plant1/${id}`, { headers: { authorization: `Bearer ${token}` } });
    const source = ((await r.json()) as { source?: string }).source;
    if (source !== 'read-model') throw new Error(`order ${id} answered from ${source}, not the read model`);
  }
  // Each round: the baseline, then the status reads right after it; the figures are the rounds' medians, the
  // latencies pooled over all rounds.
  const rounds: Array<{ health: number; status: number }> = [];
  const statusLatencies: number[] = [];
  let failures = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const health = await load([`${base}/health`], token);
    const status = await load(ids.map((id) => `${base}/orders/plant1/${id}`), token);
    note(`round ${r + 1}: GET /health ${shown(health)}; GET /orders/:site/:id ${shown(status)}`);
    rounds.push({ health: health.perSec, status: status.perSec });
    statusLatencies.push(...status.latencies);
    failures += status.failures;
  }
  const consistent = await load(ids.map((id) => `${base}/orders/plant1/${id}?consistent=true`), token, CONSISTENT_REQUESTS);
  note(`GET /orders/:site/:id?consistent=true: ${shown(consistent)}`);
  await app.close();
  await engine.stop();
  if (failures + consistent.failures > 0) throw new Error(`${failures + consistent.failures} status reads failed`);
  statusLatencies.sort((a, b) => a - b);
  return {
    requestsPerSec: median(rounds.map((r) => r.status)),
    p50Ms: pct(statusLatencies, 0.5),
    p99Ms: pct(statusLatencies, 0.99),
    concurrency: CONCURRENCY,
    baselineHealthRequestsPerSec: median(rounds.map((r) => r.health)),
    ratioVsHealth: Number(median(rounds.map((r) => r.status / r.health)).toFixed(3)),
    consistentRequestsPerSec: consistent.perSec,
    consistentP99Ms: consistent.p99,
  };
}
