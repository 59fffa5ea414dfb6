import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { freePort } from '../free-port.js';
import { spawnLogged, type LoggedProcess } from './processes.js';

/** The Web UI's process: its HTTP port and URL. */
export interface UiPlan {
  name: 'ui';
  port: number;
  url: string;
}

export type UiProcess = LoggedProcess<UiPlan>;

/**
 * The ui-server's config (its `config/<env>.yaml`, keys of ui-server's server/config/config.go): the frontend to
 * call over gRPC, loopback HTTP on `port`, the built UI it embeds, no auth (loopback only, as the cluster's services).
 */
export function uiConfigYaml(o: { frontendAddress: string; port: number; namespace: string }): string {
  return stringify({
    temporalGrpcAddress: o.frontendAddress,
    host: '127.0.0.1',
    port: o.port,
    enableUi: true,
    defaultNamespace: o.namespace,
    // Nothing outside the machine is reached: no news feed, no version check.
    disableNewsFetch: true,
    notifyOnNewVersion: false,
    cors: { allowOrigins: [`http://127.0.0.1:${o.port}`], cookieInsecure: true },
    auth: { enabled: false },
  });
}

/**
 * Starts Temporal's Web UI server (`ui-server --root <dir> --config config --env mes start`) pointing at the
 * frontend, its log in `<dataDir>/ui.log`, and returns once its HTTP API answers (`/api/v1/settings`).
 * @throws Error with its log tail when it exits first or does not answer within `timeoutMs`; it is stopped then.
 */
export async function startTemporalUi(o: { binary: string; dataDir: string; frontendAddress: string; namespace: string; port?: number; timeoutMs: number }): Promise<UiProcess> {
  const port = await freePort(o.port);
  const root = path.join(o.dataDir, 'ui');
  await mkdir(path.join(root, 'config'), { recursive: true });
  await writeFile(path.join(root, 'config', 'mes.yaml'), uiConfigYaml({ frontendAddress: o.frontendAddress, port, namespace: o.namespace }));
  const url = `http://127.0.0.1:${port}`;
  const p = spawnLogged(o.binary, ['--root', root, '--config', 'config', '--env', 'mes', 'start'], { name: 'ui' as const, port, url }, path.join(o.dataDir, 'ui.log'));
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    const ok = await fetch(`${url}/api/v1/settings`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
    if (ok) return p;
    const why = p.exited() ? 'exited during start' : Date.now() > deadline ? `not answering on ${url} after ${o.timeoutMs / 1000} s` : undefined;
    if (why) {
      await p.stop();
      throw new Error(`Temporal Web UI ${why}:\n${p.logTail()}`);
    }
    await sleep(200);
  }
}
