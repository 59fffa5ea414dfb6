import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

// CPU of this process and of other processes (Linux /proc), for benches that report CPU per unit of work.

let ticksPerSecond: number | undefined;
/** The kernel's clock tick for /proc's utime and stime (CLK_TCK, 100 on most Linux builds). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU milliseconds (user + system) a process has used so far; undefined when it cannot be read. */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name, which may itself hold spaces: state is [0], utime [11], stime [12].
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) / clockTicks()) * 1000;
  } catch {
    return undefined;
  }
}

/** The first process whose command line holds `needle` (a data dir, say); undefined when none or no /proc. */
export function findPid(needle: string): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${e}/cmdline`, 'utf8').includes(needle)) return Number(e);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return undefined;
}

/** CPU counters of this process and of the named others, read together; `since` gives milliseconds per name. */
export function cpuMeter(others: Record<string, number | undefined>) {
  const own0 = process.cpuUsage();
  const others0 = Object.fromEntries(Object.entries(others).map(([k, pid]) => [k, processCpuMs(pid)]));
  return {
    /** CPU ms used since the meter started: `engine` for this process, and one entry per other process found. */
    read(): Record<string, number | undefined> {
      const own = process.cpuUsage(own0);
      const result: Record<string, number | undefined> = { engine: (own.user + own.system) / 1000 };
      for (const [k, pid] of Object.entries(others)) {
        const now = processCpuMs(pid);
        const then = others0[k];
        result[k] = now === undefined || then === undefined ? undefined : now - then;
      }
      return result;
    },
  };
}
