import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow/index.js';
import { patched, type WorkflowInterceptors } from '@temporalio/workflow';

/**
 * The OpenTelemetry workflow interceptors (`@temporalio/interceptors-opentelemetry`), for runs that started with them.
 *
 * Why gated by a patch: the interceptors wrap each handler and each scheduled activity in an async span, which moves
 * when awaits resume by a few microtasks. A run recorded without them and replayed with them (or the other way round)
 * can then order its commands differently: two recorded histories, an update answered while a search-attribute
 * upsert was due, failed replay with TMPRL1100 that way. So every bundle carries this module whether the process
 * traces or not, and each run decides once, in its first activation, by `patched('otel-interceptors')`: runs started
 * before it replay as they ran, every newer run is traced for its whole life. Whether spans leave the worker is the
 * worker's choice (its `exporter` sink, workers/wiring/temporal-tracing.ts), not the run's.
 *
 * The decision is taken by the first call that may write a command (the run's start, a signal or an update in its
 * first activation); read-only calls (queries, update validators, log attributes) before it pass straight through.
 */
export const interceptors = (): WorkflowInterceptors => {
  let otel: { inbound: OpenTelemetryInboundInterceptor; outbound: OpenTelemetryOutboundInterceptor; internals: OpenTelemetryInternalsInterceptor } | null | undefined;
  const decide = () => {
    if (otel === undefined) {
      otel = patched('otel-interceptors')
        ? { inbound: new OpenTelemetryInboundInterceptor(), outbound: new OpenTelemetryOutboundInterceptor(), internals: new OpenTelemetryInternalsInterceptor() }
        : null;
    }
    return otel;
  };
  const decided = () => otel ?? null;

  return {
    inbound: [{
      execute: (input, next) => decide()?.inbound.execute(input, next) ?? next(input),
      handleSignal: (input, next) => decide()?.inbound.handleSignal(input, next) ?? next(input),
      handleUpdate: (input, next) => decide()?.inbound.handleUpdate(input, next) ?? next(input),
      validateUpdate: (input, next) => (decided() ? decided()!.inbound.validateUpdate(input, next) : next(input)),
      handleQuery: (input, next) => decided()?.inbound.handleQuery(input, next) ?? next(input),
    }],
    outbound: [{
      scheduleActivity: (input, next) => decide()?.outbound.scheduleActivity(input, next) ?? next(input),
      scheduleLocalActivity: (input, next) => decide()?.outbound.scheduleLocalActivity(input, next) ?? next(input),
      startChildWorkflowExecution: (input, next) => decide()?.outbound.startChildWorkflowExecution(input, next) ?? next(input),
      continueAsNew: (input, next) => decide()?.outbound.continueAsNew(input, next) ?? next(input),
      signalWorkflow: (input, next) => decide()?.outbound.signalWorkflow(input, next) ?? next(input),
      getLogAttributes: (input, next) => decided()?.outbound.getLogAttributes(input, next) ?? next(input),
    }],
    internals: [{
      dispose: (input, next) => decided()?.internals.dispose(input, next) ?? next(input),
    }],
  };
};
