import { context, propagation, ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { headers, type MsgHdrs } from '@nats-io/transport-node';

/**
 * The trace context of `ctx` as NATS message headers (`traceparent`, `tracestate`, `baggage`: W3C Trace Context, as
 * the process's propagator writes them), for a publish. Undefined when there is nothing to carry (tracing off, or no
 * span in `ctx`), so untraced messages stay header-less as before.
 */
export function traceHeaders(ctx: Context = context.active()): MsgHdrs | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  const keys = Object.keys(carrier);
  if (keys.length === 0) return undefined;
  const h = headers();
  for (const k of keys) h.set(k, carrier[k]!);
  return h;
}

/**
 * The trace context a message carries in its headers (`traceHeaders`), as the parent for the consumer's span; the
 * root context when it has none (published untraced, or by a producer before tracing). Malformed values are ignored by
 * the W3C propagator, never thrown.
 */
export function traceContextOf(h: MsgHdrs | undefined): Context {
  if (!h) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, h, {
    keys: (carrier) => carrier.keys(),
    get: (carrier, key) => (carrier.has(key) ? carrier.get(key) : undefined),
  });
}
