import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceProcessPlan } from './config.js';

/** A running server process of the cluster; `plan` says what it is (a Temporal service's kind, name and ports). */
export interface LoggedProcess<P> {
  plan: P;
  pid: number;
  /** The process's stdout and stderr (JSON log lines). */
  logFile: string;
  /** True once the process has exited, by itself or killed. */
  exited(): boolean;
  /** The last `chars` characters of its log, for error messages. */
  logTail(chars?: number): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once, as a crash would; resolves once the process is gone. */
  kill(): Promise<void>;
}

/** One of Temporal's services as its own process. */
export type ServiceProcess = LoggedProcess<ServiceProcessPlan>;

const children = new Set<ChildProcess>();
// A test runner or `npm start` that dies without stopping the cluster must not leave server processes behind.
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

const gone = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));

/**
 * Starts `server --config-file <configFile> --allow-no-auth start --service <kind>` with its output in `logFile`.
 * The cluster runs without an authorizer, as the dev server does; it listens on loopback only.
 */
export const spawnServiceProcess = (server: string, configFile: string, plan: ServiceProcessPlan, logFile: string): ServiceProcess =>
  spawnLogged(server, ['--config-file', configFile, '--allow-no-auth', 'start', '--service', plan.kind], plan, logFile);

/**
 * Starts `binary args` with its stdout and stderr appended to `logFile`; it is SIGKILLed if this Node process exits
 * without stopping it.
 */
export function spawnLogged<P>(binary: string, args: string[], plan: P, logFile: string): LoggedProcess<P> {
  const server = binary;
  const out = openSync(logFile, 'a');
  const child = spawn(server, args, { stdio: ['ignore', out, out] });
  closeSync(out);
  // Without a listener a failed exec (ENOENT, EACCES) would be an uncaught 'error' event; waitListening reports it
  // through exited() and the log instead.
  child.once('error', (err) => appendFileSync(logFile, `\nspawn ${server} failed: ${err.message}\n`));
  children.add(child);
  child.once('exit', () => children.delete(child));
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  return {
    plan,
    pid: child.pid ?? -1,
    logFile,
    exited,
    logTail: (chars = 3000) => {
      try {
        return readFileSync(logFile, 'utf8').slice(-chars);
      } catch {
        return '';
      }
    },
    stop: async (graceMs = 10_000) => {
      if (exited()) return;
      child.kill('SIGTERM');
      const killed = sleep(graceMs).then(() => {
        if (!exited()) child.kill('SIGKILL');
      });
      await Promise.race([gone(child), killed]);
      await gone(child);
    },
    kill: async () => {
      if (!exited()) child.kill('SIGKILL');
      await gone(child);
    },
  };
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/**
 * Waits until the process accepts connections on its gRPC port.
 * @throws Error with the process's log tail when it exits first or `timeoutMs` passes.
 */
export async function waitListening(p: ServiceProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(p.plan.grpcPort))) {
    if (p.exited()) throw new Error(`Temporal ${p.plan.name} exited during start:\n${p.logTail()}`);
    if (Date.now() > deadline) throw new Error(`Temporal ${p.plan.name} not listening on ${p.plan.grpcPort} after ${timeoutMs / 1000} s:\n${p.logTail()}`);
    await sleep(100);
  }
}
