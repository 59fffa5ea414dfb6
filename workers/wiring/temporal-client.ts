import { Client, Connection } from '@temporalio/client';
import pRetry from 'p-retry';
import type { Logger } from 'pino';
import { connectionOptions, type TemporalTarget } from './temporal-connection.js';
import { clientTracingInterceptors } from './temporal-tracing.js';

/**
 * Connects a Temporal client, retrying with backoff for as long as it takes: a process started while Temporal is
 * restarting waits for it instead of exiting (p-retry does the backoff).
 */
export async function connectTemporalClient(target: TemporalTarget, log: Logger): Promise<{ client: Client; connection: Connection }> {
  const connection = await pRetry(() => Connection.connect(connectionOptions(target)), {
    forever: true,
    minTimeout: 500,
    maxTimeout: 10_000,
    onFailedAttempt: (e) => log.warn({ address: target.address, attempt: e.attemptNumber, reason: e.message }, 'Temporal not reachable yet, retrying'),
  });
  // When the process traces, a signal carries the caller's trace context to the workflow (Temporal headers).
  return { client: new Client({ connection, namespace: target.namespace, interceptors: { workflow: clientTracingInterceptors() } }), connection };
}
