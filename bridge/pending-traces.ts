import { ROOT_CONTEXT, trace, type Context, type Link, type SpanContext } from '@opentelemetry/api';

/** Traces kept per workflow at most: a backlog's signal links the newest ones, not thousands. */
const MAX_PER_WORKFLOW = 32;

/**
 * The traces of the machine-event messages whose events wait in a workflow's outbox rows, so the signal that takes
 * them continues those traces (docs/observability.md): the newest as its parent, the others as links. In memory
 * only: rows another bridge process signals, or rows left by a bridge that died, are signalled in a trace of their
 * own. Entries are forgotten after `maxAgeMs` (another process signalled their rows).
 */
export class PendingTraces {
  private readonly byWorkflow = new Map<string, { traces: SpanContext[]; at: number }>();

  constructor(private readonly maxAgeMs = 600_000) {}

  /** New rows of `workflowId` were committed from messages in these traces (invalid contexts are skipped). */
  add(workflowId: string, traces: SpanContext[]): void {
    const valid = traces.filter((t) => trace.isSpanContextValid(t));
    if (valid.length === 0) return;
    const kept = [...(this.byWorkflow.get(workflowId)?.traces ?? []), ...valid];
    this.byWorkflow.set(workflowId, { traces: kept.slice(-MAX_PER_WORKFLOW), at: Date.now() });
  }

  /** The parent context and links for signalling `workflowId`'s rows; the root context and no links when none is known. */
  parentOf(workflowId: string): { parent: Context; links: Link[] } {
    const traces = this.byWorkflow.get(workflowId)?.traces ?? [];
    const newest = traces.at(-1);
    return {
      parent: newest ? trace.setSpanContext(ROOT_CONTEXT, newest) : ROOT_CONTEXT,
      links: traces.slice(0, -1).map((context) => ({ context })),
    };
  }

  /** The rows were delivered (or taken elsewhere): their traces are done. */
  delete(workflowId: string): void {
    this.byWorkflow.delete(workflowId);
  }

  /** Forgets entries older than `maxAgeMs`; called from the relay's sweep. */
  prune(now = Date.now()): void {
    for (const [id, e] of this.byWorkflow) if (e.at < now - this.maxAgeMs) this.byWorkflow.delete(id);
  }
}
