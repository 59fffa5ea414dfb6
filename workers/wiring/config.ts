import { z } from 'zod';
import { parseOrThrow } from '../../contracts/parse.js';
import { DEFAULT_SHIFT_LATE_GRACE_S } from '../../contracts/shift-time.js';
import { MAX_STREAM_REPLICAS, MES_EVENTS } from '../../contracts/streams.js';
import type { ErpAdapterConfig } from '../../erp/index.js';
import { SapMessageOverrides } from '../../contracts/messages/sap-odata.js';
import type { NatsSettings } from './nats.js';

// A week: the MES_EVENTS stream keeps nothing longer, so no later event could arrive for the shift.
const MAX_SHIFT_LATE_GRACE_S = MES_EVENTS.maxAgeDays * 86_400;

/**
 * NATS settings, the same for every process that connects (engine processes and the edge gateway). NATS_URL may list
 * every server of a cluster, comma-separated as the `nats` CLI takes them, so a client fails over to the others.
 * MES_NATS_REPLICAS and MES_NATS_PLACEMENT_TAGS lay out the engine's streams (contracts/streams.ts StreamLayout) and
 * must be the same in every process: each one's start brings the streams to its own values.
 */
export const NatsEnv = {
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  NATS_USER: z.string().optional(),
  NATS_PASSWORD: z.string().optional(),
  MES_NATS_REPLICAS: z.coerce.number().int().min(1).max(MAX_STREAM_REPLICAS, `must be at most ${MAX_STREAM_REPLICAS} (JetStream's limit)`).optional(),
  // nats-server `server_tags` a stream's servers must all carry: `az:1,ssd`.
  MES_NATS_PLACEMENT_TAGS: z
    .string()
    .transform((v) => v.split(',').map((t) => t.trim()).filter((t) => t !== ''))
    .pipe(z.array(z.string().regex(/^[A-Za-z0-9:_.-]+$/, 'must be comma-separated tags of letters, digits and : _ . -')).min(1, 'must name at least one tag'))
    .optional(),
};
/** pino's levels. */
export const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);
export type LogLevel = z.infer<typeof LogLevel>;
export const LogEnv = { MES_LOG_LEVEL: LogLevel.default('info') };

/** The connection settings of NATS_URL / NATS_USER / NATS_PASSWORD, and the streams' layout. */
export const natsSettings = (env: {
  NATS_URL: string;
  NATS_USER?: string | undefined;
  NATS_PASSWORD?: string | undefined;
  MES_NATS_REPLICAS?: number | undefined;
  MES_NATS_PLACEMENT_TAGS?: string[] | undefined;
}): NatsSettings => ({
  url: env.NATS_URL,
  user: env.NATS_USER,
  password: env.NATS_PASSWORD,
  streams: {
    ...(env.MES_NATS_REPLICAS !== undefined ? { replicas: env.MES_NATS_REPLICAS } : {}),
    ...(env.MES_NATS_PLACEMENT_TAGS !== undefined ? { placementTags: env.MES_NATS_PLACEMENT_TAGS } : {}),
  },
});

/**
 * Which ERP the engine posts to and how it reaches it: the same variables for the worker process and `npm start`
 * (`MES_ERP_ADAPTER=s4hana|rest|sim`, the SAP_* and MES_ERP_REST_* settings).
 */
export const ErpEnv = {
  MES_ERP_ADAPTER: z.enum(['s4hana', 'rest', 'sim'], { error: 'must be s4hana, rest or sim' }).default('sim'),
  MES_ERP_SIM_URL: z.url().default('http://127.0.0.1:8089'),
  // SAP S/4HANA: host root; the adapter appends /sap/opu/odata/sap/<SERVICE>/.
  SAP_BASE_URL: z.url().optional(),
  SAP_CLIENT: z.string().regex(/^\d{3}$/, 'must be a 3-digit SAP client like 100').optional(),
  SAP_USER: z.string().min(1).optional(),
  SAP_PASSWORD: z.string().min(1).optional(),
  SAP_OAUTH_TOKEN_URL: z.url().optional(),
  SAP_OAUTH_CLIENT_ID: z.string().min(1).optional(),
  SAP_OAUTH_CLIENT_SECRET: z.string().min(1).optional(),
  // SAP message ids judged otherwise than the adapter's catalogue: JSON {"ZPP/001":"transient","M7/021":"transient"}.
  SAP_MESSAGE_KINDS: z
    .string()
    .transform((v, ctx) => {
      try {
        return JSON.parse(v) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON like {"ZPP/001":"transient"}' });
        return z.NEVER;
      }
    })
    .pipe(SapMessageOverrides)
    .optional(),
  // How long after a request ended SAP may still commit it (ms): a retry's look-up waits that long (docs/erp-s4hana.md).
  SAP_COMMIT_WINDOW_MS: z.coerce.number().int().min(0).max(3_600_000).optional(),
  // A_MaterialDocumentItem has EntryUnitISOCode on this system (docs/erp-s4hana.md, "Units"): true or false.
  SAP_MATDOC_ISO_UNITS: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
  // The language every SAP request runs in (sap-language): commercial unit codes depend on it (docs/erp-s4hana.md).
  SAP_LANGUAGE: z.string().regex(/^[A-Za-z]{2}$/, 'must be a 2-letter ISO 639-1 language like EN').optional(),
  // How long after a request ended the simulator or a REST ERP may still commit it (ms); SAP's is SAP_COMMIT_WINDOW_MS.
  MES_ERP_COMMIT_WINDOW_MS: z.coerce.number().int().min(0).max(3_600_000).optional(),
  // Generic REST ERP: base URL, HMAC secret, and the routes when they differ from the simulator's.
  MES_ERP_REST_URL: z.url().optional(),
  MES_ERP_REST_HMAC_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  MES_ERP_REST_CONFIRMATIONS_PATH: z.string().startsWith('/').optional(),
  MES_ERP_REST_GOODS_MOVEMENTS_PATH: z.string().startsWith('/').optional(),
  MES_ERP_REST_POSTINGS_PATH: z.string().startsWith('/').optional(),
  MES_ERP_REST_CANCEL_CONFIRMATION_PATH: z.string().startsWith('/').includes('{document}', { message: 'must contain {document}' }).optional(),
  MES_ERP_REST_QUALITY_NOTIFICATIONS_PATH: z.string().startsWith('/').optional(),
  MES_ERP_REST_DOWNTIME_PATH: z.string().startsWith('/').optional(),
};
type ErpEnvValues = z.infer<z.ZodObject<typeof ErpEnv>>;

/** The settings the chosen adapter cannot do without, each refused by name (`SAP_BASE_URL: required when ...`). */
function requireErpSettings(e: ErpEnvValues, ctx: z.RefinementCtx): void {
  const need = (k: keyof ErpEnvValues, why: string) => {
    if (e[k] === undefined) ctx.addIssue({ code: 'custom', path: [k], message: `required when MES_ERP_ADAPTER=${e.MES_ERP_ADAPTER} (${why})` });
  };
  if (e.MES_ERP_ADAPTER === 'rest') {
    need('MES_ERP_REST_URL', 'the ERP endpoint');
    need('MES_ERP_REST_HMAC_SECRET', 'requests are signed');
  }
  if (e.MES_ERP_ADAPTER !== 's4hana') return;
  need('SAP_BASE_URL', 'the S/4HANA API host');
  // Basic auth, or OAuth client credentials when a token URL is given.
  if (e.SAP_OAUTH_TOKEN_URL) {
    need('SAP_OAUTH_CLIENT_ID', 'OAuth client credentials');
    need('SAP_OAUTH_CLIENT_SECRET', 'OAuth client credentials');
  } else {
    need('SAP_USER', 'the communication user');
    need('SAP_PASSWORD', 'the communication user');
  }
}

/**
 * Every setting an engine process reads, from the environment, parsed once at start; errors name the variable.
 * Temporal's TLS, API key and profiles are read by `@temporalio/envconfig` (temporal-connection.ts); address and
 * namespace are here too so their defaults are validated and documented in one place: `temporalTargetFromEnv` uses
 * them where envconfig yields none.
 */
export const MesEnv = z.object({
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }),
  ...NatsEnv,
  ...ErpEnv,
  MES_ERP_SIM_PORT: z.coerce.number().int().min(1).max(65535).default(8089),
  // The worker's sticky cache (workers/wiring/temporal-worker.ts says why 3,000).
  MES_WORKFLOW_CACHE_SIZE: z.coerce.number().int().min(0).optional(),
  MES_BRIDGE_METRICS_PORT: z.coerce.number().int().min(1).max(65535).default(9465),
  // The worker's Prometheus endpoints: its own metrics (the ERP adapter's calls) and the Temporal SDK's (Core's exporter).
  MES_WORKER_METRICS_PORT: z.coerce.number().int().min(1).max(65535).default(9466),
  MES_TEMPORAL_METRICS_PORT: z.coerce.number().int().min(1).max(65535).default(9467),
  // The planner API's Prometheus endpoint (its requests, and its ERP adapter's calls for reconciliation and SAP reads).
  MES_API_METRICS_PORT: z.coerce.number().int().min(1).max(65535).default(9468),
  MES_LISTENER_METRICS_PORT: z.coerce.number().int().min(1).max(65535).default(9469),
  // How long the bridge keeps seen event ids; must exceed the MES_EVENTS stream's max_age (bridge/seen-retention.ts).
  // Shorter than the stream keeps an unacknowledged message, a re-created durable or a late redelivery would find
  // its ids forgotten and count them again (bridge/seen-retention.ts).
  MES_SEEN_EVENTS_RETENTION_HOURS: z.coerce
    .number()
    .min(MES_EVENTS.maxAgeDays * 24, `must be at least ${MES_EVENTS.maxAgeDays * 24} hours: the MES_EVENTS stream keeps a message ${MES_EVENTS.maxAgeDays} days, and an id forgotten sooner would be counted again`)
    .optional(),
  // How long after its end a shift still takes late events (s): the shifts the bridge starts close then and post
  // their downtime; an event of a closed shift still counts for its order, not for the shift.
  MES_SHIFT_LATE_GRACE_S: z.coerce.number().int().min(0).max(MAX_SHIFT_LATE_GRACE_S, `must be at most ${MAX_SHIFT_LATE_GRACE_S} s (7 days)`).default(DEFAULT_SHIFT_LATE_GRACE_S),
  // Test-only: the bridge process kills itself right after committing its Nth round, before acks and signals.
  MES_BRIDGE_KILL_AFTER_COMMIT_ROUND: z.coerce.number().int().positive().optional(),
  MES_API_HOST: z.string().default('127.0.0.1'),
  MES_API_PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  MES_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  // SAP intake (services/sap-intake.ts): the plant file that places SAP's orders on lines and maps units; with it the
  // ERP listener takes SAP's business events, and polls SAP every MES_SAP_POLL_SECONDS when that is set, from
  // MES_SAP_POLL_SINCE (ISO) or a day before the process started.
  MES_PLANT_FILE: z.string().min(1).optional(),
  MES_SAP_POLL_SECONDS: z.coerce.number().int().min(5).max(86_400).optional(),
  MES_SAP_POLL_SINCE: z.iso.datetime({ offset: true }).optional(),
  ...LogEnv,
}).superRefine(requireErpSettings);
export type MesEnv = z.infer<typeof MesEnv>;

/** @throws InvalidInput naming each bad variable. */
export const readEnv = (env: NodeJS.ProcessEnv): MesEnv => parseOrThrow(MesEnv, env, 'environment');

/**
 * `npm start`'s own settings: where its data lives, which plant it loads, the ports it prefers, the user's own
 * PostgreSQL instead of the embedded one, and the ERP it posts to (the same `MES_ERP_ADAPTER`, SAP_* and
 * MES_ERP_REST_* variables as the worker process; the built-in simulator when none is named).
 */
export const DemoEnv = z.object({
  MES_DATA_DIR: z.string().min(1).optional(),
  MES_PLANT_FILE: z.string().min(1).optional(),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }).optional(),
  MES_ERP_SIM_PORT: z.coerce.number().int().min(1).max(65535).default(8089),
  MES_API_PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  MES_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  // `cluster`: the real Temporal server on PostgreSQL as separate service processes (docs/temporal-cluster.md).
  MES_TEMPORAL_PROFILE: z.enum(['dev', 'cluster'], { error: 'must be dev or cluster' }).default('dev'),
  ...ErpEnv,
  ...LogEnv,
}).superRefine(requireErpSettings);
export type DemoEnv = z.infer<typeof DemoEnv>;
/** @throws InvalidInput naming each bad variable. */
export const readDemoEnv = (env: NodeJS.ProcessEnv): DemoEnv => parseOrThrow(DemoEnv, env, 'environment');

/** The ERP adapter the environment names; the simulator's URL comes from the caller when it runs in-process. */
export function erpAdapterConfig(env: ErpEnvValues, simUrl = env.MES_ERP_SIM_URL): ErpAdapterConfig {
  const window = env.MES_ERP_COMMIT_WINDOW_MS !== undefined ? { commitWindowMs: env.MES_ERP_COMMIT_WINDOW_MS } : {};
  if (env.MES_ERP_ADAPTER === 'sim') return { adapter: 'sim', simUrl, ...window };
  if (env.MES_ERP_ADAPTER === 'rest')
    return {
      adapter: 'rest',
      ...window,
      baseUrl: env.MES_ERP_REST_URL!,
      hmacSecret: env.MES_ERP_REST_HMAC_SECRET!,
      paths: {
        ...(env.MES_ERP_REST_CONFIRMATIONS_PATH ? { confirmations: env.MES_ERP_REST_CONFIRMATIONS_PATH } : {}),
        ...(env.MES_ERP_REST_GOODS_MOVEMENTS_PATH ? { goodsMovements: env.MES_ERP_REST_GOODS_MOVEMENTS_PATH } : {}),
        ...(env.MES_ERP_REST_POSTINGS_PATH ? { postings: env.MES_ERP_REST_POSTINGS_PATH } : {}),
        ...(env.MES_ERP_REST_CANCEL_CONFIRMATION_PATH ? { cancelConfirmation: env.MES_ERP_REST_CANCEL_CONFIRMATION_PATH } : {}),
        ...(env.MES_ERP_REST_QUALITY_NOTIFICATIONS_PATH ? { qualityNotifications: env.MES_ERP_REST_QUALITY_NOTIFICATIONS_PATH } : {}),
        ...(env.MES_ERP_REST_DOWNTIME_PATH ? { downtime: env.MES_ERP_REST_DOWNTIME_PATH } : {}),
      },
    };
  return {
    adapter: 's4hana',
    baseUrl: env.SAP_BASE_URL!,
    client: env.SAP_CLIENT,
    auth: env.SAP_OAUTH_TOKEN_URL
      ? { kind: 'oauth', tokenUrl: env.SAP_OAUTH_TOKEN_URL, clientId: env.SAP_OAUTH_CLIENT_ID!, clientSecret: env.SAP_OAUTH_CLIENT_SECRET! }
      : { kind: 'basic', user: env.SAP_USER!, password: env.SAP_PASSWORD! },
    ...(env.SAP_MESSAGE_KINDS ? { messages: env.SAP_MESSAGE_KINDS } : {}),
    ...(env.SAP_COMMIT_WINDOW_MS !== undefined ? { commitWindowMs: env.SAP_COMMIT_WINDOW_MS } : {}),
    ...(env.SAP_LANGUAGE ? { language: env.SAP_LANGUAGE.toUpperCase() } : {}),
    ...(env.SAP_MATDOC_ISO_UNITS === 'true' ? { materialDocumentIsoUnits: true } : {}),
  };
}

/**
 * The ERP `npm start` posts to: undefined for the in-process simulator (services.ts starts it either way), else the
 * adapter the environment names; and the line it prints, so a user sees which books the demo writes into.
 * @param simUrl the in-process simulator's URL, known once it listens.
 */
export function demoErp(env: DemoEnv, simUrl: string): { erp: ErpAdapterConfig | undefined; describe: string } {
  const erp = env.MES_ERP_ADAPTER === 'sim' ? undefined : erpAdapterConfig(env, simUrl);
  return { erp, describe: describeErp(erp ?? { adapter: 'sim', simUrl }) };
}

/** One line naming the ERP and where it is, never a secret: `SAP S/4HANA https://s4.example.com (client 100, user MES_COMM)`. */
export function describeErp(c: ErpAdapterConfig): string {
  if (c.adapter === 'sim') return `built-in ERP simulator ${c.simUrl}/api/postings (MES_ERP_ADAPTER=sim)`;
  if (c.adapter === 'rest') return `REST ERP ${c.baseUrl} (MES_ERP_ADAPTER=rest, HMAC-signed)`;
  const who = c.auth.kind === 'basic' ? `user ${c.auth.user}` : `OAuth client ${c.auth.clientId}`;
  return `SAP S/4HANA ${c.baseUrl} (MES_ERP_ADAPTER=s4hana, ${c.client ? `client ${c.client}, ` : ''}${who})`;
}
