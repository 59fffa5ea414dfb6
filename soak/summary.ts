import type { Evidence } from './invariants.js';
import type { SoakOptions } from './options.js';
import { countByKind, type Fault } from './schedule.js';

/** The JSON line a soak ends with: what was injected, what flowed, what the ERP holds, what is wrong. */
export function summarize(o: {
  opts: SoakOptions;
  hash: string;
  schedule: Fault[];
  outcomes: Array<{ fault: Fault; ok: boolean; detail?: string; error?: string }>;
  evidence: Evidence;
  violations: string[];
  drainMs: number;
  recentSeen: number;
  supervisor: Record<string, { starts: number; unexpectedExits: number }>;
  erpFaultCounts: Record<string, number>;
  /** Orders a planner had to fix (raised quantity after an over-delivery refusal). */
  plannerFixes: string[];
  leftover: number[];
  dataDir: string | undefined;
}) {
  const e = o.evidence;
  const postings: Record<string, number> = {};
  for (const p of e.postings) {
    const k = p.kind === 'goods-movement' ? `gm-${p.movementType}` : p.cancelled ? `${p.kind}-cancelled` : p.kind;
    postings[k] = (postings[k] ?? 0) + 1;
  }
  const produced = Object.values(e.produced).reduce((s, p) => ({ good: s.good + p.good, scrap: s.scrap + p.scrap }), { good: 0, scrap: 0 });
  const sum = (r: Record<string, { good: number; scrap: number }>) => Object.values(r).reduce((s, p) => ({ good: s.good + p.good, scrap: s.scrap + p.scrap }), { good: 0, scrap: 0 });
  return {
    seed: o.opts.seed,
    minutes: o.opts.minutes,
    scheduleHash: o.hash,
    faults: countByKind(o.outcomes.filter((x) => x.ok).map((x) => x.fault)),
    faultsScheduled: o.schedule.length,
    faultsNotDone: o.outcomes.filter((x) => !x.ok).map((x) => `${x.fault.kind}@${x.fault.atMs}: ${x.error ?? x.detail}`),
    erpSimFaults: o.erpFaultCounts,
    events: { machineMessages: o.recentSeen, producedAllMachines: produced, producedPerMachine: e.produced, bridgeCountedPerMachine: e.bridgeCounted, unassigned: sum(e.unassigned), held: sum(e.held) },
    orders: e.releases.length,
    postings,
    plannerFixes: o.plannerFixes,
    restarts: o.supervisor,
    drainMs: o.drainMs,
    violations: o.violations,
    leftoverProcesses: o.leftover,
    ...(o.dataDir ? { keptDataDir: o.dataDir } : {}),
  };
}
