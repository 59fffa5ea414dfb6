import path from 'node:path';
import { z } from 'zod';
import { parseOrThrow } from '../../contracts/parse.js';
import { Token } from '../../contracts/tokens.js';
import { defaultDataDir, projectRoot } from '../../stack/paths.js';
import { LogEnv, NatsEnv } from './config.js';

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** The edge gateway's settings (it needs no database or Temporal, so it has its own schema). */
export const EdgeEnv = z.object({
  ...NatsEnv,
  /** Read only this site's machines; all sites when unset. */
  MES_SITE: Token.optional(),
  MES_PLANT_FILE: z.string().default(path.join(projectRoot, 'seed', 'demo-plant.yaml')),
  MES_EDGE_BUFFER_DIR: z.string().default(path.join(defaultDataDir, 'edge-buffer')),
  MES_EDGE_BUFFER_MAX_EVENTS: z.coerce.number().int().min(1_000).default(1_000_000),
  MES_EDGE_CERT_DIR: z.string().default(path.join(defaultDataDir, 'edge-pki')),
  MES_EDGE_TRUST_UNKNOWN_SERVERS: flag.default(false),
  MES_EDGE_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  ...LogEnv,
});
export type EdgeEnv = z.infer<typeof EdgeEnv>;

/** @throws InvalidInput naming each bad variable. */
export const readEdgeEnv = (env: NodeJS.ProcessEnv): EdgeEnv => parseOrThrow(EdgeEnv, env, 'environment');

/** `credentialsRef: PRESS1_OPCUA` -> `PRESS1_OPCUA_USER` / `PRESS1_OPCUA_PASSWORD`. */
export const credentialsFromEnv =
  (env: NodeJS.ProcessEnv) =>
  (ref: string) => {
    const user = env[`${ref}_USER`];
    const password = env[`${ref}_PASSWORD`];
    return user && password ? { user, password } : undefined;
  };
