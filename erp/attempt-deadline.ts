import { AsyncLocalStorage } from 'node:async_hooks';

const deadline = new AsyncLocalStorage<{ signal: AbortSignal; endsAt: number }>();

/**
 * Runs `fn` with a deadline every ERP call inside it honours. An activity attempt may make several calls (a look-up
 * and a post; SAP's token, CSRF fetch, post and a refetch), each with its own HTTP timeout; the deadline ends them all
 * before the attempt's start-to-close timeout, so no call of an attempt Temporal gave up on is still in flight when the
 * next attempt looks the key up. Without it the next attempt could find nothing and post a second document.
 * (A request the ERP received keeps running there after we hang up; that is the commit window: erp/post-once.ts.)
 */
export function withAttemptDeadline<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  return deadline.run({ signal: AbortSignal.timeout(ms), endsAt: Date.now() + ms }, fn);
}

/** The signal an ERP HTTP call uses: its own timeout, cut short by the attempt's deadline when there is one. */
export function callSignal(timeoutMs: number): AbortSignal {
  const attempt = deadline.getStore();
  return attempt ? AbortSignal.any([AbortSignal.timeout(timeoutMs), attempt.signal]) : AbortSignal.timeout(timeoutMs);
}

/** Milliseconds the current attempt has left; Infinity outside an attempt. */
export function attemptTimeLeft(): number {
  const attempt = deadline.getStore();
  return attempt ? attempt.endsAt - Date.now() : Infinity;
}
