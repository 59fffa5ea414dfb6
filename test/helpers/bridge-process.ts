import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../stack/free-port.js';
import { projectRoot } from '../../stack/paths.js';
import type { TestEngine } from './engine.js';

/**
 * The signal bridge as its own OS process (`workers/signal-bridge.ts`) against the engine's servers, so a test can
 * kill it the hard way. `extra` adds environment variables (test-only hooks). The caller kills it in `afterAll`.
 */
export async function spawnBridge(engine: TestEngine, extra: Record<string, string> = {}): Promise<ChildProcess> {
  const { stack } = engine;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'workers/signal-bridge.ts')], {
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
      MES_BRIDGE_METRICS_PORT: String(await freePort()),
      MES_LOG_LEVEL: 'error',
      ...extra,
    },
  });
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(`[bridge] ${d.toString()}`));
  return child;
}
