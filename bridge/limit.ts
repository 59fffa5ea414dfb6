/**
 * At most `max` of the wrapped calls run at once; the rest wait in order. The relay's database calls go through one,
 * so a thousand workflows becoming pending together cannot take every pool connection and make the consumer's next
 * round wait behind them.
 */
export function limiter(max: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (running >= max) await new Promise<void>((r) => waiting.push(r));
    running += 1;
    try {
      return await fn();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}
