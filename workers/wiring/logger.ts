import pino, { type Logger } from 'pino';
import { LogLevel } from './config.js';

/** JSON logs (pino) with secrets redacted wherever they appear in a logged object. */
export function createLogger(name: string, level: LogLevel = 'info'): Logger {
  return pino({
    name,
    level,
    redact: { paths: ['password', '*.password', 'pass', '*.pass', 'token', '*.token', 'authorization', '*.authorization', 'url', '*.url'], censor: '[redacted]' },
  });
}

/**
 * MES_LOG_LEVEL for an entrypoint that logs before it parses its settings: an unknown value is `info` here, and the
 * settings' schema refuses it a moment later, naming the variable.
 */
export const logLevel = (value: string | undefined): LogLevel => LogLevel.safeParse(value).data ?? 'info';
