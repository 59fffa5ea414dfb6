import type { WorkflowClientInterceptor } from '@temporalio/client';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkerOptions } from '@temporalio/worker';
import { currentTracing } from '../../observability/tracing.js';

/**
 * The client's interceptor: a start, signal, query or update runs in a span and carries the caller's trace context to
 * the workflow in the request's headers. Empty while tracing is off.
 */
export function clientTracingInterceptors(): WorkflowClientInterceptor[] {
  return currentTracing() ? [new OpenTelemetryWorkflowClientInterceptor()] : [];
}

/**
 * What a worker adds for tracing: the `exporter` sink through which traced workflow runs (workflows/tracing-interceptors.ts)
 * hand their spans to this process's span processor, a no-op while the process does not trace (those runs still call
 * it); and when it traces, the activity interceptors (each activity runs in a span, child of the workflow's schedule
 * span, and its log lines carry `trace_id`).
 */
export function workerTracingOptions(): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  const tracing = currentTracing();
  if (!tracing) return { sinks: workflowSpanSinks() };
  return {
    interceptors: {
      activity: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })],
    },
    sinks: workflowSpanSinks(),
  };
}

/** The workflow span sink alone, for workers created without `createMesWorker` (tests, benches). */
export function workflowSpanSinks(): NonNullable<WorkerOptions['sinks']> {
  const tracing = currentTracing();
  return { exporter: tracing ? makeWorkflowExporter(tracing.spanProcessor, tracing.resource) : { export: { fn: () => undefined } } };
}
