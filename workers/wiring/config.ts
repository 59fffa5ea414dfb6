import { z } from 'zod';
import { parseOrThrow } from '../../contracts/parse.js';
import { Token } from '../../contracts/tokens.js';

/** Every setting a process reads, from the environment, parsed once at start; errors name the variable. */
export const MesEnv = z.object({
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }),
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  NATS_USER: z.string().optional(),
  NATS_PASSWORD: z.string().optional(),
  MES_SITE: Token.default('plant1'),
  MES_ERP_ADAPTER: z.enum(['sim'], { error: 'must be sim (s4hana and rest adapters are not in this release yet)' }).default('sim'),
  MES_ERP_SIM_URL: z.url().default('http://127.0.0.1:8089'),
  MES_ERP_SIM_PORT: z.coerce.number().int().min(1).max(65535).default(8089),
  MES_BRIDGE_METRICS_PORT: z.coerce.number().int().min(1).max(65535).default(9464),
  MES_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
});
export type MesEnv = z.infer<typeof MesEnv>;

export const readEnv = (env: NodeJS.ProcessEnv = process.env): MesEnv => parseOrThrow(MesEnv, env, 'environment');
