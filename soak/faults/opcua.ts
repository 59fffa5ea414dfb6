import type { FaultContext, FaultOutcome } from './context.js';

/** `opcua:drop-subscriptions`: the server deletes every subscription while the sessions live (BadNoSubscription). */
export async function dropSubscriptions(ctx: FaultContext): Promise<FaultOutcome> {
  const dropped = ctx.sim.dropSubscriptions();
  return { ok: dropped.length > 0, detail: `${dropped.length} subscriptions dropped` };
}
