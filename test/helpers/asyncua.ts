import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { toolsDir } from '../../stack/paths.js';

export const ASYNCUA_VERSION = '2.1.0';
const target = path.join(toolsDir, `asyncua-${ASYNCUA_VERSION}`);
const python = process.env.PYTHON ?? 'python3';

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}: ${err}`))));
  });
}

/** Python's asyncua from PyPI, project-locally in `.mes/tools/` like the server wheels (with its dependencies). */
export async function ensureAsyncua(): Promise<string> {
  if (!existsSync(path.join(target, 'asyncua', '__init__.py')))
    await run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', target, `asyncua==${ASYNCUA_VERSION}`]);
  return target;
}

export interface PythonServer {
  child: ChildProcessWithoutNullStreams;
  /** The next JSON line the script prints. */
  next(timeoutMs?: number): Promise<Record<string, unknown>>;
  send(line: string): void;
  stop(): Promise<void>;
}

/** Runs a Python OPC UA server script with asyncua on its path; lines on stdout are JSON messages to the test. */
export async function startPythonServer(script: string, args: string[]): Promise<PythonServer> {
  const pythonPath = await ensureAsyncua();
  const child = spawn(python, [script, ...args], { env: { ...process.env, PYTHONPATH: pythonPath }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const lines: string[] = [];
  let waiter: (() => void) | undefined;
  createInterface({ input: child.stdout }).on('line', (l) => {
    lines.push(l);
    waiter?.();
  });
  return {
    child,
    next: async (timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while (lines.length === 0) {
        if (child.exitCode !== null) throw new Error(`python server exited ${child.exitCode}: ${stderr}`);
        if (Date.now() > deadline) throw new Error(`python server said nothing in ${timeoutMs} ms: ${stderr}`);
        await new Promise<void>((r) => {
          waiter = r;
          setTimeout(r, 100);
        });
      }
      return JSON.parse(lines.shift()!) as Record<string, unknown>;
    },
    send: (line) => void child.stdin.write(`${line}\n`),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000)).then(() => child.kill('SIGKILL'))]);
    },
  };
}
