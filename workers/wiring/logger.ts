import pino, { type DestinationStream, type Logger } from 'pino';
import { activeLogFields } from '../../observability/log-fields.js';
import { LogLevel } from './config.js';

/**
 * An error as a log line: pino's serializer (message with its causes, stack, and every own property: an ERP error's
 * `status`, `messageId` and `text`, a Temporal failure's `details`), and a Temporal failure's own `type`
 * (`ErpUnavailable`) as `failureType`, since `type` says the class (`ApplicationFailure`). Without it an error under
 * any key but `err` was written as JSON: `{"name":"ErpUnavailable"}` and nothing of what the ERP said.
 */
function serializeError(value: unknown): unknown {
  const out = pino.stdSerializers.err(value as Error) as unknown;
  if (out !== value && value instanceof Error && 'type' in value && typeof value.type === 'string' && out && typeof out === 'object')
    (out as Record<string, unknown>).failureType = value.type;
  return out;
}

/**
 * JSON logs (pino) with secrets redacted wherever they appear in a logged object, the active span's `trace_id` and
 * `span_id` on lines logged inside a traced step, and `site`, `line`, `order` on lines logged about one order
 * (observability/log-fields.ts); `destination` for tests.
 */
export function createLogger(name: string, level: LogLevel = 'info', destination?: DestinationStream): Logger {
  const options = {
    name,
    level,
    // `err` is pino's own key; the Temporal SDK logs an activity's failure under `error`.
    serializers: { err: serializeError, error: serializeError },
    mixin: activeLogFields,
    redact: { paths: ['password', '*.password', 'pass', '*.pass', 'token', '*.token', 'authorization', '*.authorization', 'url', '*.url'], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * MES_LOG_LEVEL for an entrypoint that logs before it parses its settings: an unknown value is `info` here, and the
 * settings' schema refuses it a moment later, naming the variable.
 */
export const logLevel = (value: string | undefined): LogLevel => LogLevel.safeParse(value).data ?? 'info';
