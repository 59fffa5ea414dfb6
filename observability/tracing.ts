import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** The standard OpenTelemetry variables this process reads (OpenTelemetry specification, "Environment Variable Specification"). */
export interface TracingEnv {
  /** Base URL of an OTLP/HTTP receiver (a Collector, Jaeger, Tempo); traces go to `<it>/v1/traces`. */
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  /** Full URL for traces; wins over the base URL. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;
  /** `service.name` of the spans; the process's own name when absent. */
  OTEL_SERVICE_NAME?: string;
  /** `true` keeps tracing off even with an endpoint set. */
  OTEL_SDK_DISABLED?: string;
}

/** Tracing of one process: its span processor and resource (the Temporal worker hands both to its workflow span sink). */
export interface Tracing {
  spanProcessor: SpanProcessor;
  resource: Resource;
  /** Sends what is buffered and stops exporting; the global tracer is a no-op again afterwards. */
  shutdown(): Promise<void>;
}

let current: Tracing | undefined;

/**
 * Where traces go: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given, else OTEL_EXPORTER_OTLP_ENDPOINT + `/v1/traces`
 * (the OTLP exporter specification's rule for the signal-specific path); undefined when tracing is off.
 */
export function tracesUrl(env: TracingEnv): string | undefined {
  if (env.OTEL_SDK_DISABLED?.toLowerCase() === 'true') return undefined;
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) return `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
  return undefined;
}

/**
 * Installs the process's global tracer provider when an OTLP endpoint is configured, exporting spans in batches over
 * OTLP/HTTP (JSON), with W3C trace context (and baggage) as the propagator and AsyncLocalStorage carrying the active
 * span across awaits. Without an endpoint nothing is installed: the OpenTelemetry API's tracer stays a no-op, and
 * every span the code starts costs a function call.
 * @param service the process's name (`signal-bridge`), used as `service.name` unless OTEL_SERVICE_NAME says otherwise.
 * @returns the installed tracing, or undefined when it stays off. Calling it again returns the first installation.
 */
export function startTracing(service: string, env: TracingEnv): Tracing | undefined {
  if (current) return current;
  const url = tracesUrl(env);
  if (!url) return undefined;
  const resource = Resource.default().merge(new Resource({ 'service.name': env.OTEL_SERVICE_NAME ?? service }));
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter({ url }), { scheduledDelayMillis: 1_000 });
  const provider = new BasicTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register({
    contextManager: new AsyncLocalStorageContextManager().enable(),
    propagator: new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  });
  const installed: Tracing = {
    spanProcessor,
    resource,
    shutdown: async () => {
      if (current !== installed) return;
      current = undefined;
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
  current = installed;
  return installed;
}

/** The tracing `startTracing` installed in this process, if any: the Temporal client and worker add their interceptors then. */
export const currentTracing = (): Tracing | undefined => current;
