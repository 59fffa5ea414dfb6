import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SimLineOptions } from '../simulators/opcua-line/config.js';
import { projectRoot } from '../stack/paths.js';

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); undefined once it is gone. */
export function procCpuSeconds(pid: number): number | undefined {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks of 10 ms (USER_HZ)
  } catch {
    return undefined;
  }
}

export interface SimFleet {
  /** One endpoint per simulator, in the order of the configurations. */
  endpoints: string[];
  pids: number[];
  /** CPU seconds used by all simulators together so far. */
  cpuSeconds(): number;
  /** SIGTERM, then SIGKILL after 5 s; safe to call twice. */
  stop(): Promise<void>;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(5_000).then(() => child.kill('SIGKILL'))]);
}

/**
 * Several OPC UA line simulators, each its own process and server on its own loopback port, so the load a gateway
 * is offered is not capped by one process's core. Each child also stops when its stdin closes, so a bench that dies
 * without stopping the fleet does not leave servers behind; and an `exit` hook kills them when this process exits.
 */
export async function startSimFleet(configs: SimLineOptions[], o: { cpuProfDir?: string; startTimeoutMs?: number } = {}): Promise<SimFleet> {
  const children: ChildProcess[] = [];
  const killAll = () => children.forEach((c) => c.kill('SIGKILL'));
  process.once('exit', killAll);
  const stop = async () => {
    process.removeListener('exit', killAll);
    await Promise.all(children.map(stopChild));
  };
  try {
    const endpoints = await Promise.all(
      configs.map((config) => {
        // node --import tsx rather than the tsx wrapper, so `pid` is the simulator itself (its CPU is read from /proc).
        const child = spawn(
          process.execPath,
          [...(o.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`] : []), '--import', 'tsx', 'workers/opcua-line-sim.ts'],
          {
            cwd: projectRoot,
            env: { ...process.env, MES_OPCUA_SIM_CONFIG: JSON.stringify(config), MES_OPCUA_SIM_STDIN_LIFELINE: 'true', MES_LOG_LEVEL: 'warn' },
            stdio: ['pipe', 'pipe', 'inherit'],
          },
        );
        children.push(child);
        return new Promise<string>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`simulator ${child.pid} printed no endpoint within ${o.startTimeoutMs ?? 60_000} ms`)), o.startTimeoutMs ?? 60_000);
          child.once('exit', (c) => {
            clearTimeout(timer);
            reject(new Error(`simulator exited ${c}`));
          });
          // node-opcua prints its own warnings on stdout too: take the line that is our JSON.
          createInterface({ input: child.stdout! }).on('line', (l) => {
            if (!l.startsWith('{"endpoint"')) return;
            clearTimeout(timer);
            resolve((JSON.parse(l) as { endpoint: string }).endpoint);
          });
        });
      }),
    );
    const pids = children.map((c) => c.pid!);
    const last = new Map<number, number>();
    return {
      endpoints,
      pids,
      // A process that exited keeps its last reading, so a sum over the fleet never goes backwards.
      cpuSeconds: () =>
        pids.reduce((n, pid) => {
          const s = procCpuSeconds(pid) ?? last.get(pid) ?? 0;
          last.set(pid, s);
          return n + s;
        }, 0),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
