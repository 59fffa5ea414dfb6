import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { parseOrThrow } from '../contracts/parse.js';
import { MAX_SOAK_SHIFT_MINUTES } from './shift-calendar.js';
import { SOAK_ERPS, type SoakErpKind } from './erp.js';
import { FAULT_KINDS, type FaultKind } from './schedule.js';

/** The soak's settings: `--seed N` / `--minutes M` on the command line win over SOAK_SEED / SOAK_MINUTES. */
const SoakEnv = z.object({
  SOAK_SEED: z.coerce.number().int().min(1).max(2 ** 31 - 1).optional(),
  SOAK_MINUTES: z.coerce.number().positive().max(24 * 60).default(3),
  /** Faults of each kind per minute of production (0.7: at least 20 of each in 30 minutes). */
  SOAK_FAULTS_PER_MINUTE: z.coerce.number().min(0).max(10).default(0.7),
  /** Only these fault kinds, comma-separated (all when unset): to chase one kind of violation. */
  SOAK_FAULT_KINDS: z
    .string()
    .transform((v) => v.split(',').map((k) => k.trim()).filter(Boolean))
    .pipe(z.array(z.enum(FAULT_KINDS)))
    .optional(),
  /** Orders kept open per line while production runs. */
  SOAK_ORDERS_PER_LINE: z.coerce.number().int().min(1).max(10).default(2),
  /** Keep the data dir (servers' data, every process's log) even when the run passes. */
  SOAK_KEEP: z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1').default(false),
  /**
   * Minutes of each shift of the soak's calendar, so shifts close and post their downtime during the run (0: the
   * engine's default 8-hour shifts, none of which closes in a soak).
   */
  SOAK_SHIFT_MINUTES: z.coerce.number().int().min(0).max(MAX_SOAK_SHIFT_MINUTES).default(4),
  /** The ERP the worker posts to and the checks read: the built-in simulator or the SAP S/4HANA OData double. */
  SOAK_ERP: z.enum(SOAK_ERPS, { error: `must be ${SOAK_ERPS.join(' or ')}` }).default('sim'),
});

export interface SoakOptions {
  seed: number;
  minutes: number;
  perMinute: number;
  kinds: FaultKind[] | undefined;
  ordersPerLine: number;
  keep: boolean;
  erp: SoakErpKind;
  /** Minutes per shift of the soak's own calendar; 0: the engine's default calendar. */
  shiftMinutes: number;
}

/**
 * The soak's settings from its command line and environment.
 * @throws InvalidInput naming each bad variable or argument.
 */
export function readOptions(argv: string[], env: NodeJS.ProcessEnv): SoakOptions {
  const e = parseOrThrow(SoakEnv, env, 'environment');
  const arg = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  };
  const cli = parseOrThrow(z.object({ seed: z.coerce.number().int().min(1).max(2 ** 31 - 1).optional(), minutes: z.coerce.number().positive().optional() }), { seed: arg('seed'), minutes: arg('minutes') }, 'arguments');
  return {
    seed: cli.seed ?? e.SOAK_SEED ?? randomInt(1, 2 ** 31 - 1),
    minutes: cli.minutes ?? e.SOAK_MINUTES,
    perMinute: e.SOAK_FAULTS_PER_MINUTE,
    kinds: e.SOAK_FAULT_KINDS,
    ordersPerLine: e.SOAK_ORDERS_PER_LINE,
    keep: e.SOAK_KEEP,
    erp: e.SOAK_ERP,
    shiftMinutes: e.SOAK_SHIFT_MINUTES,
  };
}
