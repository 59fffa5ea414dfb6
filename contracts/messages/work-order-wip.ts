import { z } from 'zod';
import { DecimalString, ErpOrderId, Token } from '../tokens.js';
import { WorkOrderPhase } from './work-order-status.js';

/**
 * Live work in progress of one order, for dashboards: published on core NATS (not JetStream: a dashboard wants the
 * latest figures, not a replay) each time the order's read model row is written, which the workflow does at most
 * every few seconds while counts arrive and at once on a phase change (workflows/read-model-writer.ts). The subject
 * has four tokens, so the MES_EVENTS stream (`mes.*.*.*.*`, machine events) never captures it.
 *
 * Each message is the whole picture, not a delta: a subscriber that missed some keeps the newest by `asOf`.
 * `asOf` is the workflow time the figures are from (ISO); counts are pieces in the order's `unit`.
 */
export const WorkOrderWip = z.object({
  v: z.literal(1),
  site: Token,
  line: Token,
  erpOrderId: ErpOrderId,
  workflowId: z.string().min(1),
  material: z.string(),
  unit: z.string(),
  plannedQuantity: DecimalString,
  phase: WorkOrderPhase,
  good: z.number().int().nonnegative(),
  scrap: z.number().int().nonnegative(),
  /** Good units the ERP has confirmed so far (partials and final). */
  confirmedGood: z.number().int().nonnegative(),
  /** Units under an open quality hold. */
  qualityHeld: z.number().int().nonnegative(),
  held: z.boolean(),
  asOf: z.iso.datetime({ offset: true }),
});
export type WorkOrderWip = z.infer<typeof WorkOrderWip>;

/** `mes.<site>.<line>.wip`: one subject per line; `mes.<site>.*.wip` follows a site. */
export const wipSubject = (site: string, line: string): string => `mes.${site}.${line}.wip`;
