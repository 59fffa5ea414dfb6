import { z } from 'zod';
import { Token } from '../tokens.js';
import { WorkOrderWip } from './work-order-wip.js';

/**
 * What the planner API's live stream (`GET /supervisor/events`, server-sent events) sends a supervisor page: an
 * order's work in progress as the workflow published it on `mes.<site>.<line>.wip`, or a notice that something on
 * `ops.<site>.exception.<stage>` needs a person. The notice names the place and stage only, never the exception's
 * evidence: the page reads that through the API, which checks the token's places on each read.
 * The SSE `event:` field is the `type`; `data:` is this object as JSON.
 */
export const LiveEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('wip'), wip: WorkOrderWip }),
  z.object({
    type: z.literal('exception'),
    site: Token,
    /** The line the exception names; null when it names none (a release refused before it had a line, a poller fault). */
    line: Token.nullable(),
    stage: z.string().min(1),
  }),
]);
export type LiveEvent = z.infer<typeof LiveEvent>;

/**
 * The place an exception on `ops.<site>.exception.<stage>` names, as its producers write it: a `line` of its own, or
 * the line of the counter hold or release it carries. Everything else in the message is left unread here.
 */
export const ExceptionPlace = z.object({
  line: Token.optional(),
  hold: z.object({ line: Token.optional() }).optional(),
  release: z.object({ line: Token.optional() }).optional(),
});
export type ExceptionPlace = z.infer<typeof ExceptionPlace>;
