/** How far back the rate looks: long enough to smooth the throttled updates (a few seconds apart), short enough to follow a stop. */
export const RATE_WINDOW_MS = 5 * 60_000;
/** Samples kept per order for its story's chart. */
const MAX_SAMPLES = 500;

/**
 * Adds a WIP message (contracts/messages/work-order-wip.ts) to what the page knows of its order: the newest by
 * `asOf` wins (messages are whole pictures and may arrive out of order), and each new figure is a sample.
 * @param {Map<string, { wip: object, samples: { t: number, good: number, scrap: number }[] }>} known
 * @returns whether the message was newer than what the page had
 */
export function addWip(known, wip) {
  const t = Date.parse(wip.asOf);
  const had = known.get(wip.workflowId);
  if (had && Date.parse(had.wip.asOf) > t) return false;
  const samples = had ? had.samples : [];
  samples.push({ t, good: wip.good, scrap: wip.scrap });
  if (samples.length > MAX_SAMPLES) samples.splice(0, samples.length - MAX_SAMPLES);
  known.set(wip.workflowId, { wip, samples });
  return true;
}

/**
 * Good pieces per minute over the last `RATE_WINDOW_MS` of samples, over at least a minute (a burst of pieces seconds
 * apart, an accepted hold, is not a rate of thousands a minute); null with fewer than two samples in the window (a
 * page just opened, a line not counting) rather than a made-up zero.
 */
export function ratePerMinute(samples, now = Date.now()) {
  const recent = samples.filter((s) => s.t >= now - RATE_WINDOW_MS);
  if (recent.length < 2) return null;
  const first = recent[0];
  const last = recent[recent.length - 1];
  return (last.good - first.good) / Math.max(1, (last.t - first.t) / 60_000);
}

/**
 * A line's active order as the page shows it: the read model's row, overlaid by a newer WIP message of the same
 * order. Null when the line has no active order.
 */
export function liveOrder(line, known) {
  const o = line.activeOrder;
  if (!o) return null;
  const live = known.get(o.workflowId)?.wip;
  if (!live || (o.asOf && Date.parse(live.asOf) < Date.parse(o.asOf))) return o;
  return { ...o, phase: live.phase, good: live.good, scrap: live.scrap, held: live.held, qualityHeld: live.qualityHeld, asOf: live.asOf };
}

/** What the line is doing, in a word a supervisor reads from across the hall. */
export function lineState(order) {
  if (!order) return { label: 'No order', tone: 'idle' };
  if (order.held) return { label: 'Held', tone: 'alert' };
  if (order.phase === 'running') return { label: 'Running', tone: 'ok' };
  if (order.phase === 'released') return { label: 'Waiting for counts', tone: 'idle' };
  return { label: order.phase, tone: 'alert' };
}
