import pino, { type Logger } from 'pino';

/** JSON logs (pino) with secrets redacted wherever they appear in a logged object. */
export function createLogger(name: string, level = process.env.MES_LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name,
    level,
    redact: { paths: ['password', '*.password', 'pass', '*.pass', 'token', '*.token', 'authorization', '*.authorization', 'url', '*.url'], censor: '[redacted]' },
  });
}
