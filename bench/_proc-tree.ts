import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

// Linux only: CPU time of whole process trees from /proc (bench/_proc.ts reads single processes; PostgreSQL's work is
// done in its postmaster's children), found by their data dir in their command line.

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface Stat {
  pid: number;
  ppid: number;
  /** utime + stime of the process itself, and cutime + cstime of its children it has reaped, in ticks. */
  own: number;
  reaped: number;
}

function readStat(pid: number): Stat | undefined {
  try {
    // The command name may hold spaces and parentheses; the fields after its closing parenthesis do not.
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    // f[0] is field 3 (state): ppid is field 4, utime..cstime fields 14-17.
    return { pid, ppid: Number(f[1]), own: Number(f[11]) + Number(f[12]), reaped: Number(f[13]) + Number(f[14]) };
  } catch {
    return undefined; // gone meanwhile
  }
}

const pids = () => readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** Processes whose command line contains `marker` (a data dir), other than this one. */
export const pidsNaming = (marker: string): number[] => pids().filter((p) => p !== process.pid && cmdline(p).includes(marker));

/**
 * CPU-seconds used so far by the process trees under `roots` (PostgreSQL's backends are children of its postmaster):
 * each live process's own time plus what its exited children left in it, so a backend that ends between two readings
 * is still counted.
 */
export function treeCpuSeconds(roots: number[]): number {
  const stats = pids().map(readStat).filter((s): s is Stat => s !== undefined);
  const children = new Map<number, Stat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  let ticks = 0;
  const seen = new Set<number>();
  const walk = (s: Stat) => {
    if (seen.has(s.pid)) return;
    seen.add(s.pid);
    ticks += s.own + s.reaped;
    for (const c of children.get(s.pid) ?? []) walk(c);
  };
  for (const r of roots) {
    const s = stats.find((x) => x.pid === r);
    if (s) walk(s);
  }
  return ticks / ticksPerSecond;
}
