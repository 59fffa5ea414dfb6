import { context, type Context } from '@opentelemetry/api';

/**
 * The trace a work order's next ERP posting continues: the one of the newest machine-event signal it applied
 * (docs/observability.md). A signal handler runs in the span the OpenTelemetry workflow interceptor opened for that
 * signal, its parent the bridge's relay span from the signal's Temporal headers; running the posting in that context
 * makes its activities children of it, so one trace goes from the gateway's publish to the ERP call.
 *
 * Workflow-safe and replay-neutral: it changes only the headers of the activities scheduled (never compared on
 * replay), and without the interceptors (tracing off) the context is the root one and `run` just calls `fn`.
 */
export class PostingTrace {
  private latest: Context | undefined;

  /** Called in a machine-event signal's handler: its context becomes the one postings run in. */
  capture(): void {
    this.latest = context.active();
  }

  /** Runs `fn` (a posting) in the captured context, or in the current one before any signal was captured. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    return this.latest ? context.with(this.latest, fn) : fn();
  }
}
