/**
 * Whether a failed write is the fault of the data written rather than of the database being away: PostgreSQL's
 * SQLSTATE classes 22 (data exception: a value out of range for its column, an invalid text representation) and 23
 * (integrity constraint violation). Such a failure comes back on every redelivery of the same message, so retrying it
 * is useless; anything else (a lost connection, a shutdown, a deadlock or serialization failure, NATS away) may pass
 * and is retried.
 */
export function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}

/** Which messages a round applied, which it parks (each with its own error), and which must come back later. */
export interface Settlement {
  applied: number[];
  parked: Array<{ message: number; error: unknown }>;
  retry: number[];
  /** The first error that made messages retry (for the log). */
  retryError?: unknown;
}

/**
 * Applies a round's messages as one unit; when the unit fails for a reason of its own data (`ownFault`), splits it in
 * halves and applies each, down to the single message whose data fails, which is parked (the caller publishes it as
 * an exception and terminates it). So one message that can never be stored costs a few more transactions in the round
 * it lands in, once, instead of failing that round and every later one it is redelivered into. A failure that is not
 * the data's (the database away) leaves the part to be redelivered as it was. Each part is its own transaction, so
 * the parts applied stay applied; a part's messages are settled only by what happened to that part.
 */
export async function applyIsolating(
  messages: number[],
  apply: (part: number[]) => Promise<void>,
  ownFault: (err: unknown) => boolean = isDataError,
): Promise<Settlement> {
  const out: Settlement = { applied: [], parked: [], retry: [] };
  const run = async (part: number[]): Promise<void> => {
    if (part.length === 0) return;
    try {
      await apply(part);
      out.applied.push(...part);
    } catch (err) {
      if (!ownFault(err)) {
        out.retry.push(...part);
        out.retryError ??= err;
      } else if (part.length === 1) out.parked.push({ message: part[0]!, error: err });
      else {
        const mid = Math.ceil(part.length / 2);
        await run(part.slice(0, mid));
        await run(part.slice(mid));
      }
    }
  };
  await run(messages);
  return out;
}
