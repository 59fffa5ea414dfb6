import { z } from 'zod';

/**
 * What starting a work order from a release did (services/start-work-order.ts): the answer to the ERP release
 * listener, and to the API's manual release and ERP webhook (which answer `refused` with a 409 instead).
 */
export const StartResult = z.object({
  workflowId: z.string(),
  /** False when a run with this id exists or existed: a repeated release is not a second order. */
  started: z.boolean(),
  /** True when the release changed the running order's quantity or dates (an Update, not a second workflow). */
  updated: z.boolean(),
  /** The running order refused the change (for example a quantity below what is already confirmed). */
  refused: z.string().optional(),
});
export type StartResult = z.infer<typeof StartResult>;
