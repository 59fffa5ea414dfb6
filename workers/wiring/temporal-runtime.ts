import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from 'pino';

let installed = false;

/**
 * Routes the Temporal SDK's logs into our pino logger, at `level` and above (bundler chatter stays out). With
 * `prometheusPort`, the SDK's own metrics (workflow and activity task latencies, schedule-to-start, sticky cache,
 * pollers, failures: Temporal's "SDK metrics" reference) are served in Prometheus format on 127.0.0.1:<port>/metrics
 * by the SDK's Core. Installed once per process; later calls change nothing.
 */
export function installTemporalRuntime(log: Logger, level: LogLevel = 'WARN', prometheusPort?: number): void {
  if (installed) return;
  installed = true;
  const method = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;
  Runtime.install({
    logger: new DefaultLogger(level, (e) => log[method[e.level]]({ sdk: 'temporal', ...e.meta }, e.message)),
    ...(prometheusPort !== undefined ? { telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${prometheusPort}` } } } } : {}),
  });
}
