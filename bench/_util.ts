import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const note = (msg: string): void => void process.stderr.write(`${msg}\n`);

/** A fresh data dir the PostgreSQL user can reach (mkdtemp makes 0700). */
export async function benchDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `mes-bench-${prefix}-`));
  await chmod(dir, 0o755);
  return dir;
}

/** Runs `count` tasks with at most `concurrency` in flight; returns operations per second. */
export async function throughput(count: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return Math.round((count / (performance.now() - t0)) * 1000);
}
