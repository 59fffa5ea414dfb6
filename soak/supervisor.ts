import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectRoot } from '../stack/paths.js';

/** One engine process the soak runs, kills and starts again: a `workers/*.ts` entry point and its environment. */
export interface PartSpec {
  name: string;
  script: string;
  env: Record<string, string>;
}

interface Part extends PartSpec {
  child?: ChildProcess;
  /** Starts so far (the first included). */
  starts: number;
  /** Exits the soak did not ask for (a crash, a failed start). */
  unexpectedExits: number;
  /** While true an exit is expected and no restart is scheduled. */
  down: boolean;
  log: WriteStream;
}

/**
 * Keeps the engine's processes running: each is its own `node --import tsx` process, logs to `<logDir>/<name>.log`,
 * and is started again a second after any exit the soak did not ask for (a process that cannot reach NATS or
 * PostgreSQL at start exits, and is simply tried again). `kill` is SIGKILL; `stopAll` is SIGTERM, then SIGKILL after
 * 10 s. Every child is SIGKILLed when this process exits, whatever the reason.
 */
export class Supervisor {
  private readonly parts = new Map<string, Part>();
  private stopping = false;
  private readonly onExit = () => {
    for (const p of this.parts.values()) p.child?.kill('SIGKILL');
  };

  /** `baseEnv`: what every part inherits (the soak's own environment), under its own settings. */
  constructor(
    private readonly logDir: string,
    private readonly baseEnv: NodeJS.ProcessEnv,
  ) {
    process.once('exit', this.onExit);
  }

  add(spec: PartSpec): void {
    this.parts.set(spec.name, { ...spec, starts: 0, unexpectedExits: 0, down: false, log: createWriteStream(path.join(this.logDir, `${spec.name}.log`), { flags: 'a' }) });
  }

  startAll(): void {
    for (const p of this.parts.values()) this.start(p);
  }

  private start(p: Part): void {
    // Never two at once: a restart after a crash and one after a kill may both come due.
    if (this.stopping || (p.child && p.child.exitCode === null && p.child.signalCode === null)) return;
    p.down = false;
    p.starts++;
    p.log.write(`--- start ${p.starts} at ${new Date().toISOString()}\n`);
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, p.script)], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...this.baseEnv, ...p.env },
    });
    p.child = child;
    child.stdout?.pipe(p.log, { end: false });
    child.stderr?.pipe(p.log, { end: false });
    child.once('exit', (code, signal) => {
      p.log.write(`--- exit code=${code} signal=${signal} at ${new Date().toISOString()}\n`);
      if (p.child === child) p.child = undefined;
      if (p.down || this.stopping) return;
      p.unexpectedExits++;
      setTimeout(() => {
        if (!p.down) this.start(p);
      }, 1_000).unref();
    });
  }

  /** SIGKILL now, start again after `downMs`. */
  async kill(name: string, downMs: number): Promise<void> {
    const p = this.parts.get(name);
    if (!p) throw new Error(`no part ${name}`);
    p.down = true;
    const child = p.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    await sleep(downMs);
    this.start(p);
  }

  /** The process ids of the running parts (the soak's check that none is left behind). */
  pids(): number[] {
    return [...this.parts.values()].flatMap((p) => (p.child?.pid ? [p.child.pid] : []));
  }

  stats(): Record<string, { starts: number; unexpectedExits: number }> {
    return Object.fromEntries([...this.parts.values()].map((p) => [p.name, { starts: p.starts, unexpectedExits: p.unexpectedExits }]));
  }

  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      [...this.parts.values()].map(async (p) => {
        const child = p.child;
        if (child && child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(t);
        }
        await new Promise((r) => p.log.end(r));
      }),
    );
    process.removeListener('exit', this.onExit);
  }
}
