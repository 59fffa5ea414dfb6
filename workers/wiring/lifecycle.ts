import type { Logger } from 'pino';

/** Runs a process entrypoint: prints a clear one-line reason on failure, stops cleanly on SIGINT/SIGTERM. */
export function runProcess(name: string, log: Logger, start: () => Promise<() => Promise<void>>): void {
  start()
    .then((stop) => {
      log.info(`${name} running`);
      let stopping = false;
      const onSignal = (signal: string) => {
        if (stopping) return;
        stopping = true;
        log.info({ signal }, `${name} stopping`);
        stop().then(
          () => process.exit(0),
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
