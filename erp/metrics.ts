import { Counter, Histogram, type Registry } from 'prom-client';
import type { ErpAdapter } from '../contracts/erp-port.js';

/** Prometheus metrics of the ERP calls one process makes (prom-client), on `registry`. */
export function createErpMetrics(registry: Registry) {
  return {
    calls: new Counter({ name: 'mes_erp_calls_total', help: 'ERP adapter calls, by adapter, operation and outcome (ok, error)', labelNames: ['adapter', 'operation', 'outcome'] as const, registers: [registry] }),
    errors: new Counter({
      name: 'mes_erp_errors_total',
      help: 'Failed ERP adapter calls, by adapter, operation and kind (the error class: ErpUnavailable, ErpRejected, ErpPeriodClosed, ...)',
      labelNames: ['adapter', 'operation', 'kind'] as const,
      registers: [registry],
    }),
    seconds: new Histogram({
      name: 'mes_erp_call_seconds',
      help: 'Time of an ERP adapter call (its HTTP requests, a look-up before a post included), by adapter and operation',
      labelNames: ['adapter', 'operation'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
  };
}
export type ErpMetrics = ReturnType<typeof createErpMetrics>;

/** An error's kind as a label: its class name (a small fixed set: the port's errors, TypeError, AbortError, ...). */
const kindOf = (err: unknown): string => (err instanceof Error ? err.constructor.name || err.name : 'unknown');

/**
 * The same adapter, each of its methods counted and timed: every function property that returns a promise (the
 * port's calls and an adapter's extras, such as SAP's order reads) is measured under its own name. A Proxy keeps
 * `instanceof` and `in` checks on the adapter working as before. Errors are rethrown unchanged.
 */
export function withErpMetrics<A extends ErpAdapter>(adapter: A, m: ErpMetrics): A {
  return new Proxy(adapter, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      const fn = value as (...args: unknown[]) => unknown;
      return (...args: unknown[]) => {
        const result = fn.apply(target, args);
        if (!(result instanceof Promise)) return result;
        const labels = { adapter: target.name, operation: prop };
        const stop = m.seconds.startTimer(labels);
        return result.then(
          (v: unknown) => {
            stop();
            m.calls.inc({ ...labels, outcome: 'ok' });
            return v;
          },
          (err: unknown) => {
            stop();
            m.calls.inc({ ...labels, outcome: 'error' });
            m.errors.inc({ ...labels, kind: kindOf(err) });
            throw err;
          },
        );
      };
    },
  });
}
