import { DefaultLogger, Runtime, type LogEntry, type LogLevel } from '@temporalio/worker';
import type { Logger } from 'pino';
import { orderFieldsOfWorkflowId } from '../../observability/log-fields.js';

let installed = false;

const METHOD = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * Writes one of the SDK's log entries to pino with its meta (workflow and activity ids, types, attempt) and the site
 * and order, or site and line, its workflow id names (observability/log-fields.ts): workflow code logs through here
 * too, where no async-local field reaches.
 */
export const temporalLogSink = (log: Logger) => (e: LogEntry): void => {
  const workflowId = typeof e.meta?.workflowId === 'string' ? e.meta.workflowId : undefined;
  log[METHOD[e.level]]({ sdk: 'temporal', ...orderFieldsOfWorkflowId(workflowId), ...e.meta }, e.message);
};

/**
 * Routes the Temporal SDK's logs into our pino logger, at `level` and above (bundler chatter stays out). With
 * `prometheusPort`, the SDK's own metrics (workflow and activity task latencies, schedule-to-start, sticky cache,
 * pollers, failures: Temporal's "SDK metrics" reference) are served in Prometheus format on 127.0.0.1:<port>/metrics
 * by the SDK's Core. Installed once per process; later calls change nothing.
 */
export function installTemporalRuntime(log: Logger, level: LogLevel = 'WARN', prometheusPort?: number): void {
  if (installed) return;
  installed = true;
  Runtime.install({
    logger: new DefaultLogger(level, temporalLogSink(log)),
    ...(prometheusPort !== undefined ? { telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${prometheusPort}` } } } } : {}),
  });
}
