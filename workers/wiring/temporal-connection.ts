import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import type { MesEnv } from './config.js';

/**
 * Where and how to reach Temporal: a local dev server (address and namespace only), a self-hosted cluster with mTLS,
 * or Temporal Cloud with an API key. Client and worker connections are both built from it.
 */
export interface TemporalTarget {
  address: string;
  namespace: string;
  tls?: NativeConnectionOptions['tls'];
  apiKey?: string;
  metadata?: NativeConnectionOptions['metadata'];
}

/**
 * Temporal's own environment configuration (`@temporalio/envconfig`): `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`,
 * `TEMPORAL_API_KEY`, `TEMPORAL_TLS*`, `TEMPORAL_GRPC_META_*`, or a profile of a TOML file (`TEMPORAL_PROFILE`,
 * `TEMPORAL_CONFIG_FILE`), the same settings the `temporal` CLI reads. Where it yields no address or namespace, the
 * process's parsed settings give them (`MesEnv`'s defaults: the local dev server, 127.0.0.1:7233, namespace `default`).
 * @param raw the process environment, as envconfig reads it.
 * @param parsed the same environment parsed by `readEnv` (workers/wiring/config.ts).
 * @throws Error from envconfig when a named file or certificate cannot be read.
 */
export function temporalTargetFromEnv(raw: NodeJS.ProcessEnv, parsed: Pick<MesEnv, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE'>): TemporalTarget {
  const vars = Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const { connectionOptions: c, namespace } = loadClientConnectConfig({ overrideEnvVars: vars });
  return {
    address: c.address ?? parsed.TEMPORAL_ADDRESS,
    namespace: namespace ?? parsed.TEMPORAL_NAMESPACE,
    ...(c.tls !== undefined ? { tls: c.tls } : {}),
    ...(c.apiKey !== undefined && typeof c.apiKey === 'string' ? { apiKey: c.apiKey } : {}),
    ...(c.metadata ? { metadata: c.metadata } : {}),
  };
}

/** The connection options of a target, for `Connection.connect` and `NativeConnection.connect` alike. */
export const connectionOptions = (t: TemporalTarget) => ({
  address: t.address,
  ...(t.tls !== undefined ? { tls: t.tls } : {}),
  ...(t.apiKey !== undefined ? { apiKey: t.apiKey } : {}),
  ...(t.metadata ? { metadata: t.metadata } : {}),
});
