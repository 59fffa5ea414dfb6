import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../stack/free-port.js';
import { projectRoot } from '../../stack/paths.js';
import type { TestEngine } from './engine.js';

/**
 * One of the engine's entrypoints (`workers/<name>.ts`) as its own OS process against the engine's servers and ERP
 * simulator, as production runs it, so a test can kill it the hard way or read what it serves. `extra` adds
 * environment variables. Its stderr is shown with `[name]` before each line. The caller kills it in `afterAll`.
 */
export function spawnEngineProcess(engine: TestEngine, name: 'signal-bridge' | 'temporal-worker', extra: Record<string, string> = {}): ChildProcess {
  const { stack } = engine;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, `workers/${name}.ts`)], {
    cwd: projectRoot,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      DATABASE_URL: stack.postgres.url,
      TEMPORAL_ADDRESS: stack.temporal.address,
      NATS_URL: stack.nats.url,
      NATS_USER: stack.nats.user,
      NATS_PASSWORD: stack.nats.password,
      MES_NATS_REPLICAS: String(stack.nats.replicas),
      MES_ERP_SIM_URL: engine.services.erpSimUrl,
      MES_LOG_LEVEL: 'error',
      ...extra,
    },
  });
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(`[${name}] ${d.toString()}`));
  return child;
}

/** The signal bridge as its own OS process (`workers/signal-bridge.ts`), its metrics on a free port. */
export async function spawnBridge(engine: TestEngine, extra: Record<string, string> = {}): Promise<ChildProcess> {
  return spawnEngineProcess(engine, 'signal-bridge', { MES_BRIDGE_METRICS_PORT: String(await freePort()), ...extra });
}
