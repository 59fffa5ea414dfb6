import type { Logger } from 'pino';
import { startTracing, type TracingEnv } from '../../observability/tracing.js';

/**
 * Runs a process entrypoint: prints a clear one-line reason on failure, stops cleanly on SIGINT/SIGTERM. With
 * `tracingEnv` (the process environment) the process exports traces when OTEL_EXPORTER_OTLP_ENDPOINT is set
 * (observability/tracing.ts): tracing starts before `start`, so the clients it creates are traced, and its last
 * spans are sent after `stop`.
 */
export function runProcess(name: string, log: Logger, start: () => Promise<() => Promise<void>>, tracingEnv?: TracingEnv): void {
  const tracing = tracingEnv ? startTracing(name, tracingEnv) : undefined;
  if (tracing) log.info({ service: name }, 'exporting traces over OTLP');
  start()
    .then((stop) => {
      log.info(`${name} running`);
      let stopping = false;
      const onSignal = (signal: string) => {
        if (stopping) return;
        stopping = true;
        log.info({ signal }, `${name} stopping`);
        stop().then(
          async () => {
            await tracing?.shutdown().catch((err: Error) => log.warn({ err }, 'last spans not exported'));
            process.exit(0);
          },
          (err: Error) => {
            log.error({ err }, `${name} did not stop cleanly`);
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => onSignal('SIGINT'));
      process.on('SIGTERM', () => onSignal('SIGTERM'));
    })
    .catch((err: Error) => {
      process.stderr.write(`${name} failed to start: ${err.message}\n`);
      process.exit(1);
    });
}
