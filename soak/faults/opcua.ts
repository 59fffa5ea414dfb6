import { seededRandom } from '../../simulators/seeded-random.js';
import { COUNTING_POINTS } from '../plant.js';
import type { Fault } from '../schedule.js';
import type { FaultContext, FaultOutcome } from './context.js';

/** `opcua:drop-subscriptions`: the server deletes every subscription while the sessions live (BadNoSubscription). */
export async function dropSubscriptions(ctx: FaultContext): Promise<FaultOutcome> {
  const dropped = ctx.sim.dropSubscriptions();
  return { ok: dropped.length > 0, detail: `${dropped.length} subscriptions dropped` };
}

/**
 * `opcua:counter-glitch`: a counting point's counter reads 0 (status Good) for one sample and then its true value
 * again, as a server answering with a default before real data or a PLC answering one read in fifty with 0
 * (issue 11 item 1). The machine counts on meanwhile: nothing it makes may be lost, and the drop is no production.
 */
export async function counterGlitch(ctx: FaultContext, f: Fault): Promise<FaultOutcome> {
  const r = seededRandom(f.atMs + 1);
  const machine = COUNTING_POINTS[Math.floor(r() * COUNTING_POINTS.length)]!;
  const variable = r() < 0.7 ? 'Good' : 'Scrap';
  ctx.sim.glitch(machine, variable, 0, 300);
  return { ok: true, detail: `${machine}.${variable} read 0 for 300 ms` };
}
