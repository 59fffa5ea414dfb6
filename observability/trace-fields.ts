import { context, isSpanContextValid, trace } from '@opentelemetry/api';

/**
 * The active span's ids as log fields, `{ trace_id, span_id }` (32 and 16 lowercase hex digits, the names the Temporal
 * SDK's interceptors give its own log lines, so a backend joins both on one key); `{}` outside a span or while
 * tracing is off. Used as pino's `mixin`: every line logged inside a traced step carries its trace.
 */
export function activeTraceFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getSpan(context.active());
  const sc = span?.spanContext();
  return sc && isSpanContextValid(sc) ? { trace_id: sc.traceId, span_id: sc.spanId } : {};
}
