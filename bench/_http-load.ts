import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What one load run asks: `requests` GETs of `urls` in turn, `concurrency` in flight, with the bearer token. */
export interface LoadPlan {
  urls: string[];
  token: string;
  requests: number;
  concurrency: number;
}

/** A load run's figures: requests per second, latency percentiles (ms), failed requests, and every latency sorted. */
export interface LoadFigures {
  perSec: number;
  p50: number;
  p99: number;
  failures: number;
  latencies: number[];
}

/** The run itself, in whichever process calls it. */
async function runPlan({ urls, token, requests, concurrency }: LoadPlan): Promise<LoadFigures> {
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        const i = next++;
        const s = performance.now();
        const r = await fetch(urls[i % urls.length]!, { headers: { authorization: `Bearer ${token}` } });
        await r.arrayBuffer();
        if (!r.ok) failures += 1;
        latencies.push(performance.now() - s);
      }
    }),
  );
  const sorted = latencies.sort((a, b) => a - b);
  const p = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
  return { perSec: Math.round((requests / (performance.now() - t0)) * 1000), p50: p(0.5), p99: p(0.99), failures, latencies: sorted };
}

const self = fileURLToPath(import.meta.url);

/**
 * Runs the plan in a child process of its own, as a real client would be: a load generator sharing the server's
 * event loop takes the server's time and adds its own queueing to every latency. Throws when the child fails.
 */
export function loadFromOwnProcess(plan: LoadPlan): Promise<LoadFigures> {
  return new Promise((resolve, reject) => {
    const child = fork(self, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let figures: LoadFigures | undefined;
    child.on('message', (m) => (figures = m as LoadFigures));
    child.on('error', reject);
    child.on('exit', (code) => (figures ? resolve(figures) : reject(new Error(`load generator exited with ${code} before its figures`))));
    child.send(plan);
  });
}

if (process.argv[1] === self && process.send) {
  process.once('message', (plan) => {
    void runPlan(plan as LoadPlan).then(
      (figures) => process.send!(figures, () => process.exit(0)),
      (err: Error) => {
        process.stderr.write(`${err.stack ?? err.message}\n`);
        process.exit(1);
      },
    );
  });
}
