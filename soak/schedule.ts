import { createHash } from 'node:crypto';
import { seededRandom } from '../simulators/seeded-random.js';

/**
 * The soak's fault schedule: drawn up front from the seed alone, so replaying a seed replays the same faults at the
 * same offsets (the run around them is timing-dependent; the schedule is not). Pure: no clock, no I/O.
 */

/** Every kind of fault the soak injects, one injector each (soak/faults/). */
export const FAULT_KINDS = [
  // SIGKILL of an engine process; the supervisor starts it again after `downMs`.
  'kill:edge',
  'kill:bridge',
  'kill:worker',
  'kill:erp-listener',
  'kill:api',
  // SIGKILL of a server; started again on its data (and port) after `downMs`.
  'kill:nats',
  'kill:temporal',
  'kill:postgres',
  // The ERP simulator's fault plan for a stretch of `durationMs`.
  'erp:outage',
  'erp:errors',
  'erp:lose-replies',
  'erp:late-commits',
  // The OPC UA line simulator deletes every subscription while the sessions live.
  'opcua:drop-subscriptions',
  // Messages a broken or replaying sender puts on NATS.
  'nats:malformed-events',
  'nats:duplicate-events',
  'nats:malformed-release',
  'nats:duplicate-release',
  // A counting point's counter reads 0 for one sample (issue 11 item 1). Last, so adding it left the other kinds'
  // draws as they were.
  'opcua:counter-glitch',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  /** Milliseconds after production started. */
  atMs: number;
  kind: FaultKind;
  /** Kills: how long the part stays down before it is started again. */
  downMs?: number;
  /** ERP stretches: how long the plan holds. */
  durationMs?: number;
  /** ERP stretches: the share of posts hit (errors, lost replies, late commits). */
  rate?: number;
  /** Late commits: milliseconds between the post and its commit. */
  lateCommitMs?: number;
  /** Messages: how many are sent. */
  count?: number;
}

export interface ScheduleOptions {
  seed: number;
  /** How long production runs, in ms; faults fall between `quietStartMs` and 90 % of it. */
  durationMs: number;
  /** Faults per minute of each kind (the 30-minute run wants at least 20 of each: 0.7). */
  perMinute: number;
  /** No fault before this (the plant warms up, the first orders start). */
  quietStartMs?: number;
  /** Only these kinds (all when absent). */
  kinds?: readonly FaultKind[];
}

const between = (r: () => number, lo: number, hi: number) => Math.round(lo + r() * (hi - lo));

/** Draws the schedule: for each kind `ceil(minutes x perMinute)` faults at uniform offsets, sorted by time then kind. */
export function drawSchedule(o: ScheduleOptions): Fault[] {
  const r = seededRandom(o.seed);
  const quiet = o.quietStartMs ?? Math.min(20_000, o.durationMs * 0.1);
  const last = Math.max(quiet + 1, o.durationMs * 0.9);
  const minutes = o.durationMs / 60_000;
  const out: Fault[] = [];
  // Every kind draws from the same sequence in FAULT_KINDS order, so a filtered run still draws the same numbers.
  for (const kind of FAULT_KINDS) {
    // At least one of each kind, unless faults are off (perMinute 0: a baseline run).
    const n = o.perMinute === 0 ? 0 : Math.max(1, Math.ceil(minutes * o.perMinute - 1e-9));
    for (let i = 0; i < n; i++) {
      const f: Fault = { atMs: between(r, quiet, last), kind };
      if (kind.startsWith('kill:')) f.downMs = between(r, 0, kind === 'kill:postgres' || kind === 'kill:temporal' ? 4_000 : 3_000);
      if (kind.startsWith('erp:')) {
        f.durationMs = between(r, 4_000, 15_000);
        f.rate = kind === 'erp:outage' ? 1 : Math.round((0.2 + r() * 0.4) * 100) / 100;
        if (kind === 'erp:late-commits') f.lateCommitMs = between(r, 1_000, 5_000);
      }
      if (kind.startsWith('nats:')) f.count = between(r, 1, 5);
      if (!o.kinds || o.kinds.includes(kind)) out.push(f);
    }
  }
  return out.sort((a, b) => a.atMs - b.atMs || FAULT_KINDS.indexOf(a.kind) - FAULT_KINDS.indexOf(b.kind));
}

/** A short fingerprint of a schedule: equal schedules, equal hashes (printed at start and in the summary). */
export const scheduleHash = (s: Fault[]): string => createHash('sha256').update(JSON.stringify(s)).digest('hex').slice(0, 16);

/** Faults per kind, every kind listed (0 when none). */
export function countByKind(s: Array<{ kind: FaultKind }>): Record<FaultKind, number> {
  const c = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  for (const f of s) c[f.kind]++;
  return c;
}
