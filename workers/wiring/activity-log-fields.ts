import type { Context } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, ActivityInterceptors, Next } from '@temporalio/worker';
import { orderFieldsOfWorkflowId, withOrderLogFields } from '../../observability/log-fields.js';

/** Orders whose line this process remembers: a day's orders of a large plant, bounded so the map cannot grow for ever. */
const MAX_REMEMBERED_LINES = 10_000;

/**
 * The line of a workflow's activities, learned from inputs that name it (the read model's `upsertWorkOrder(status)`,
 * `recordLateCounts`, shift activities). An order's first activity writes its status, so this worker knows the line
 * from then on; a worker that never ran one of the order's status writes logs its lines without `line`.
 */
export class LineMemo {
  private readonly lines = new Map<string, string>();

  constructor(private readonly max = MAX_REMEMBERED_LINES) {}

  /** The line `args` name (a first argument with a string `line`), remembered for `workflowId`; else the remembered one. */
  lineOf(workflowId: string, args: readonly unknown[]): string | undefined {
    const first = args[0];
    const named = first && typeof first === 'object' && 'line' in first && typeof first.line === 'string' ? first.line : undefined;
    if (named === undefined) return this.lines.get(workflowId);
    this.lines.delete(workflowId);
    this.lines.set(workflowId, named);
    // A Map iterates in insertion order: the first key is the one not refreshed for longest.
    if (this.lines.size > this.max) this.lines.delete(this.lines.keys().next().value!);
    return named;
  }
}

/**
 * A worker's activity interceptor: each activity runs inside `withOrderLogFields` with the site and order (or line) its
 * workflow id names and the line of its order, so every line it logs (the SDK's activity logger goes to pino through
 * the runtime's logger, workers/wiring/temporal-runtime.ts) says which order it was about.
 */
export function orderLogActivityInterceptor(memo = new LineMemo()): (ctx: Context) => ActivityInterceptors {
  return (ctx) => {
    const workflowId = ctx.info.workflowExecution?.workflowId ?? '';
    const inbound: ActivityInboundCallsInterceptor = {
      execute: (input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>) => {
        const fields = orderFieldsOfWorkflowId(workflowId);
        return withOrderLogFields({ ...fields, line: fields.line ?? memo.lineOf(workflowId, input.args) }, () => next(input));
      },
    };
    return { inbound };
  };
}
