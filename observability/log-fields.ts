import { AsyncLocalStorage } from 'node:async_hooks';
import { activeTraceFields } from './trace-fields.js';

/**
 * What a log line about one order carries besides its trace (issue 15): the plant site, the line and the ERP order
 * id, so a log search by any of them finds every process's lines about it. Absent keys are simply not written.
 */
export interface OrderLogFields {
  site?: string;
  line?: string;
  order?: string;
}

const store = new AsyncLocalStorage<OrderLogFields>();

/**
 * Runs `fn` with `fields` added to every line logged inside it (synchronously or after an await), on top of the fields
 * of an enclosing call; an undefined value leaves the enclosing one. Works whether or not tracing is on: the fields live
 * in their own async-local store, not in the OpenTelemetry context (a no-op without a context manager).
 */
export function withOrderLogFields<T>(fields: OrderLogFields, fn: () => T): T {
  const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as OrderLogFields;
  return store.run({ ...store.getStore(), ...defined }, fn);
}

/**
 * The site, line and order a workflow id names (contracts/ids.ts): `work-order:<site>:<order>` and
 * `fix:<site>:<order>:<fingerprint>` give site and order, `shift:<site>:<line>:<date>:<shift>` site and line; `{}` for
 * any other id or none.
 */
export function orderFieldsOfWorkflowId(workflowId: string | undefined): OrderLogFields {
  const [kind, site, third] = (workflowId ?? '').split(':');
  if (!site || !third) return {};
  if (kind === 'work-order' || kind === 'fix') return { site, order: third };
  if (kind === 'shift') return { site, line: third };
  return {};
}

/**
 * pino's `mixin` for every process: the active span's `trace_id` and `span_id` (observability/trace-fields.ts) and the
 * order's `site`, `line`, `order` set by `withOrderLogFields`. A log call's own keys win over these.
 */
export function activeLogFields(): OrderLogFields & { trace_id?: string; span_id?: string } {
  return { ...activeTraceFields(), ...store.getStore() };
}
