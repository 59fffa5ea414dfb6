import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startNats } from '../stack/nats.js';
import { startPostgres } from '../stack/postgres.js';
import { startTemporal } from '../stack/temporal.js';
import type { Stack } from '../stack/index.js';

// Linux only (/proc): the embedded servers SIGKILLed the hard way, as a crash or an OOM kill does, and started again
// on their own data and port, so every client keeps its address.

const allPids = () => readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
};
const ppid = (pid: number) => {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(raw.slice(raw.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return -1;
  }
};
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Processes whose command line names `marker` (a server's data dir or file), other than this one. */
export const pidsNaming = (marker: string): number[] => allPids().filter((p) => p !== process.pid && cmdline(p).includes(marker));

/** SIGKILLs the processes and their children (PostgreSQL's backends) and waits until all are gone. */
async function killTree(roots: number[]): Promise<number> {
  const tree = new Set(roots);
  for (const p of allPids()) if (tree.has(ppid(p))) tree.add(p);
  for (const p of tree) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  const deadline = Date.now() + 10_000;
  while ([...tree].some(alive) && Date.now() < deadline) await sleep(50);
  return tree.size;
}

const portOf = (url: string) => Number(/:(\d+)(?:\/|$)/.exec(url)?.[1]);
const withTimeout = <T>(p: Promise<T>, ms: number) => Promise.race([p, sleep(ms).then(() => undefined)]).catch(() => undefined);

export type ServerName = 'nats' | 'temporal' | 'postgres';

/**
 * Kills one of the stack's servers with SIGKILL, waits `downMs`, starts it again on the same data dir and port and
 * puts it into `stack` (so `stack.stop()` stops the new one). Returns how many processes were killed.
 */
export async function killAndRestart(stack: Stack, dataDir: string, which: ServerName, downMs: number): Promise<number> {
  if (which === 'nats') {
    const dir = path.join(dataDir, 'nats');
    const killed = await killTree(pidsNaming(path.join(dir, 'nats-server.conf')));
    await withTimeout(stack.nats.stop(), 5_000); // forgets its exit hook; the process is gone
    await sleep(downMs);
    stack.nats = await startNats({ dataDir: dir, port: portOf(stack.nats.url) });
    return killed;
  }
  if (which === 'temporal') {
    const dir = path.join(dataDir, 'temporal');
    const killed = await killTree(pidsNaming(path.join(dir, 'temporal.sqlite')));
    await withTimeout(stack.temporal.stop(), 5_000);
    await sleep(downMs);
    stack.temporal = await startTemporal({ dataDir: dir, port: portOf(`x://${stack.temporal.address}`), uiPort: portOf(stack.temporal.uiUrl) });
    return killed;
  }
  const dir = path.join(dataDir, 'postgres');
  const pidFile = path.join(dir, 'cluster', 'postmaster.pid');
  const postmaster = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  const killed = await killTree([postmaster]);
  await sleep(downMs);
  const port = portOf(stack.postgres.url);
  const next = await startPostgres({ dataDir: dir, port });
  if (portOf(next.url) !== port) {
    await next.stop();
    throw new Error(`PostgreSQL came back on port ${portOf(next.url)}, not ${port}: its clients cannot follow`);
  }
  stack.postgres = next;
  return killed;
}

/** Every server process of the stack still running (the soak's check that it leaves nothing behind). */
export const serverPids = (dataDir: string): number[] => pidsNaming(dataDir);
