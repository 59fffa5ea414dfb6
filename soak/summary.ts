import type { Evidence } from './invariants.js';
import type { SoakOptions } from './options.js';
import { countByKind, type Fault } from './schedule.js';

const countByStatus = (statuses: string[]) => {
  const out: Record<string, number> = {};
  // `unreadable: <Temporal's message>` counts as `unreadable`: the message is in the violation.
  for (const s of statuses.map((x) => x.split(':')[0]!)) out[s] = (out[s] ?? 0) + 1;
  return out;
};

/**
 * The JSON line a soak ends with: which ERP ran, what was injected, what flowed, what the ERP holds, what is wrong.
 * `postings` counts the ERP's documents by kind (`gm-<movement type>`, cancelled confirmations apart).
 */
export function summarize(o: {
  opts: SoakOptions;
  /** The ERP as `describeErp` names it (no secret). */
  erp: string;
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
  for (const p of Object.values(e.erp.orders).flat()) {
    // The simulator lists notifications by order too; they are counted from the keys below, for both ERPs.
    if (p.kind === 'quality-notification') continue;
    const k = p.kind === 'goods-movement' ? `gm-${p.movementType}` : p.cancelled ? `${p.kind}-cancelled` : p.kind;
    postings[k] = (postings[k] ?? 0) + 1;
  }
  postings['quality-notification'] = e.erp.keys.filter((k) => k.kind === 'quality-notification').reduce((n, k) => n + k.documents.length, 0);
  postings.downtime = e.erp.downtime.length;
  const produced = Object.values(e.produced).reduce((s, p) => ({ good: s.good + p.good, scrap: s.scrap + p.scrap }), { good: 0, scrap: 0 });
  const sum = (r: Record<string, { good: number; scrap: number }>) => Object.values(r).reduce((s, p) => ({ good: s.good + p.good, scrap: s.scrap + p.scrap }), { good: 0, scrap: 0 });
  return {
    seed: o.opts.seed,
    minutes: o.opts.minutes,
    erp: o.opts.erp,
    erpAt: o.erp,
    scheduleHash: o.hash,
    faults: countByKind(o.outcomes.filter((x) => x.ok).map((x) => x.fault)),
    faultsScheduled: o.schedule.length,
    faultsNotDone: o.outcomes.filter((x) => !x.ok).map((x) => `${x.fault.kind}@${x.fault.atMs}: ${x.error ?? x.detail}`),
    // The ERP's own injector's decisions per post (the simulator's and the SAP double's alike).
    erpFaults: o.erpFaultCounts,
    events: { machineMessages: o.recentSeen, producedAllMachines: produced, producedPerMachine: e.produced, bridgeCountedPerMachine: e.bridgeCounted, unassigned: sum(e.unassigned), held: sum(e.held) },
    orders: e.releases.length,
    postings,
    // Shift workflows by how they ended, and the downtime records the closed ones report and posted.
    shifts: {
      ...countByStatus(e.shifts.map((s) => s.status)),
      downtimeRecords: e.shifts.reduce((n, s) => n + (s.downtime?.records ?? 0), 0),
      downtimePosted: e.shifts.reduce((n, s) => n + (s.downtime?.posted ?? 0), 0),
    },
    plannerFixes: o.plannerFixes,
    restarts: o.supervisor,
    drainMs: o.drainMs,
    violations: o.violations,
    leftoverProcesses: o.leftover,
    ...(o.dataDir ? { keptDataDir: o.dataDir } : {}),
  };
}
