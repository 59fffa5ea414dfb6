import { z } from 'zod';
import { CounterDataType, SecurityMode } from '../../contracts/messages/edge-config.js';
import type { PlantModel } from '../../contracts/messages/plant-model.js';
import { Token } from '../../contracts/tokens.js';

/** One simulated machine; node ids are `ns=1;s=<code>.<Variable>`. */
export const SimMachine = z.object({
  code: Token,
  cycleMs: z.number().positive().default(1_000),
  /** Share of pieces that are scrap, drawn from a seeded generator so runs repeat. */
  scrapRate: z.number().min(0).max(1).default(0.02),
  /** After this many cycles the machine stops (state STOP, alarm raised) for `stopCycles` cycles; 0 never stops. */
  stopEvery: z.number().int().nonnegative().default(0),
  stopCycles: z.number().int().positive().default(3),
  counterType: CounterDataType.extract(['UInt16', 'UInt32']).default('UInt32'),
  /** Start the counters here, e.g. near 65535 to show a rollover soon. */
  counterStart: z.number().int().nonnegative().default(0),
  temperature: z.object({ start: z.number(), driftPerCycle: z.number(), noise: z.number().nonnegative() }).default({ start: 40, driftPerCycle: 0.01, noise: 0.2 }),
  /**
   * Extra counter variables `<code>.<name>` of any counter data type, written only by the test
   * (`SimLine.writeCounter`), for the counter semantics a PLC has (signed wrap, REAL, 64-bit). They start at `start`.
   */
  testCounters: z.array(z.object({ name: z.string().regex(/^[A-Za-z0-9]{1,32}$/), dataType: CounterDataType, start: z.number().default(0) })).default([]),
  /** Extra analog variables `<code>.Noise<i>` that change every tick: load for benches. */
  noiseTags: z.number().int().min(0).max(20_000).default(0),
  noiseTickMs: z.number().int().min(10).default(100),
});
export type SimMachine = z.infer<typeof SimMachine>;

export const SimLineOptions = z.object({
  port: z.number().int().min(0).max(65535).default(0),
  machines: z.array(SimMachine).min(1),
  /** Divides every cycle time: tests run a day's pattern in seconds. */
  speed: z.number().positive().default(1),
  securityModes: z.array(SecurityMode).default([...SecurityMode.options]),
  /** When given, only these users may log in and anonymous access is off. */
  users: z.array(z.object({ user: z.string(), password: z.string() })).optional(),
  certDir: z.string(),
  maxMonitoredItemsPerCall: z.number().int().nonnegative().default(0),
  seed: z.number().int().default(1),
  /** Start idle (no pieces) so a test can begin counting from a known point with `setRunning(true)`. */
  running: z.boolean().default(true),
});
export type SimLineOptions = z.input<typeof SimLineOptions>;

/** The port of `opc.tcp://127.0.0.1:4841`, the endpoint the demo plant's machines name. */
export const DEMO_OPCUA_PORT = 4841;

/**
 * The demo pattern for every machine of a plant (one set of nodes per machine code): a piece every 2 s, 3 % scrap,
 * a stop with alarm every 60 cycles.
 */
export function demoSimMachines(plant: PlantModel): Array<z.input<typeof SimMachine>> {
  const codes = new Set(plant.sites.flatMap((s) => s.lines.flatMap((l) => l.machines.map((m) => m.code))));
  return [...codes].map((code) => ({ code, cycleMs: 2_000, scrapRate: 0.03, stopEvery: 60, stopCycles: 5 }));
}
