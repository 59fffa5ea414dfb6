/**
 * Most events one batch signal carries: every batch message caps its `events` at 500 (`ProductionCountBatch`,
 * `MachineEventBatch`), so a workflow gets a few signals per second, not one per event.
 */
export const SIGNAL_BATCH_MAX = 500;

/**
 * Splits a list into signal-sized chunks, in order; the last one holds the rest. An empty list gives no chunk.
 * @param size items per chunk, a positive integer (default {@link SIGNAL_BATCH_MAX}).
 */
export function chunks<T>(items: T[], size = SIGNAL_BATCH_MAX): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
