import { createRequire } from 'node:module';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkerOptions } from '@temporalio/worker';
import { currentTracing } from '../../observability/tracing.js';

const require = createRequire(import.meta.url);

/**
 * The workflow-side interceptors of `@temporalio/interceptors-opentelemetry` (a span per workflow run, signal and
 * scheduled activity, with the context passed on in Temporal headers), as modules for the workflow bundle; none
 * while tracing is off, so an untraced worker bundles exactly what it did before.
 */
export function workflowTracingModules(): string[] {
  return currentTracing() ? [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')] : [];
}

/**
 * The client's interceptor: a start, signal, query or update runs in a span and carries the caller's trace context to
 * the workflow in the request's headers. Empty while tracing is off.
 */
export function clientTracingInterceptors(): WorkflowClientInterceptor[] {
  return currentTracing() ? [new OpenTelemetryWorkflowClientInterceptor()] : [];
}

/**
 * What a worker adds for tracing: the activity interceptors (each activity runs in a span, child of the workflow's
 * schedule span, and its log lines carry `trace_id`), the workflow interceptors when the worker bundles its own code,
 * and the `exporter` sink through which the workflow sandbox hands its spans to this process's span processor.
 * Empty while tracing is off.
 * @param bundled true when the worker is given a pre-built bundle: its workflow interceptors must be in it already
 *   (`bundleWorkflowCode({ workflowInterceptorModules: workflowTracingModules() })`).
 */
export function workerTracingOptions(bundled: boolean): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  const tracing = currentTracing();
  if (!tracing) return {};
  return {
    interceptors: {
      ...(bundled ? {} : { workflowModules: workflowTracingModules() }),
      activity: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })],
    },
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
  };
}
