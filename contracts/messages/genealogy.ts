import { z } from 'zod';
import { GoodsMovementItem } from '../erp-port.js';
import { DecimalString, MaterialCode, Token, UnitOfMeasure } from '../tokens.js';

/** SAP CHARG: a batch number, 1-10 characters (letters, digits, `-`, `_`, `/`, `.`). */
export const BatchNumber = z.string().regex(/^[A-Za-z0-9._/-]{1,10}$/, 'must be 1-10 of A-Z, a-z, 0-9, . _ / - (SAP CHARG)');
/** SAP SERNR: a serial number, 1-18 characters. */
export const SerialNumber = z.string().regex(/^[A-Za-z0-9._/-]{1,18}$/, 'must be 1-18 of A-Z, a-z, 0-9, . _ / - (SAP SERNR)');

/** `POST /lines/:site/:line/batches`: a component batch scanned in at the line. */
export const StageBatchBody = z.object({
  material: MaterialCode,
  batch: BatchNumber,
  /** What was put at the line, in `unit`; the backflush draws on it until it is used up. */
  quantity: DecimalString.refine((q) => Number(q) > 0, 'must be more than 0'),
  unit: UnitOfMeasure,
});
export type StageBatchBody = z.infer<typeof StageBatchBody>;

/** A staged batch and what is left of it. */
export const StagedBatchView = z.object({
  site: z.string(),
  line: z.string(),
  material: z.string(),
  batch: z.string(),
  quantity: z.string(),
  remaining: z.string(),
  unit: z.string(),
  source: z.enum(['scan', 'erp']),
  erpOrderId: z.string().nullable(),
  stagedBy: z.string(),
  stagedAt: z.string(),
});
export type StagedBatchView = z.infer<typeof StagedBatchView>;

/** `POST /orders/:site/:erpOrderId/serials`: serial numbers for the order's next units, in order. */
export const AssignSerialsBody = z.object({
  serials: z.array(SerialNumber).min(1).max(10_000).refine((s) => new Set(s).size === s.length, 'must not repeat a serial'),
});
export type AssignSerialsBody = z.infer<typeof AssignSerialsBody>;

/**
 * The choice of component batches for one 261 (activities/genealogy.ts `allocateComponentBatches`): the backflush's
 * items, split by batch. Its result is in the workflow's history, so every retry and replay posts the same batches.
 */
export interface BatchAllocationInput {
  workflowId: string;
  site: string;
  line: string;
  erpOrderId: string;
  /** The 261's posting key: the choice is made once under it. */
  postingKey: string;
  items: GoodsMovementItem[];
  /** Batches the ERP order's components name, staged at the line the first time (`quantity`: the order's requirement). */
  erpBatches: Array<{ material: string; batch: string; quantity: string; unit: string }>;
}

/** What one confirmation made, recorded after the ERP took it (activities/genealogy.ts `recordOrderOutput`). */
export interface OrderOutputInput {
  workflowId: string;
  site: string;
  line: string;
  erpOrderId: string;
  material: string;
  /** The ERP's batch for the order's output, when it named one; else one derived from the order (finishedBatchOf). */
  batch?: string;
  /** The confirmation's posting key. */
  postingKey: string;
  /** Good units confirmed before this confirmation: its units are positions confirmedBefore + 1 .. + yieldQty. */
  confirmedBefore: number;
  yieldQty: number;
  unit: string;
}

/**
 * What `recordOrderOutput` answers: the finished batch and how many serial numbers the confirmation's units have. Not
 * the serials themselves: the answer is an activity result in the order's history, and a confirmation of 200,000
 * serialized units would put megabytes there (GET /genealogy serves them from PostgreSQL).
 */
export const OrderOutput = z.object({ batch: z.string(), serialCount: z.number().int().nonnegative() });
export type OrderOutput = z.infer<typeof OrderOutput>;

/** A quality hold (and its disposition) recorded for an order, as its read model holds it (further fields kept as they are). */
export const QualityResult = z.looseObject({
  id: z.number(),
  quantity: z.number(),
  defectText: z.string(),
  disposition: z.string().nullable(),
  notification: z.string().nullable(),
});

/** One order on a genealogy path: the order, its finished batch(es), serials, and the quality results recorded for it. */
export const GenealogyOrder = z.object({
  site: z.string(),
  erpOrderId: z.string(),
  line: z.string(),
  material: z.string(),
  batches: z.array(z.string()),
  serials: z.array(z.string()),
  /** Component batches the order consumed (standing 261s only), per material and batch. */
  components: z.array(z.object({ material: z.string(), batch: z.string(), quantity: z.string(), unit: z.string() })),
  quality: z.array(QualityResult),
});
export type GenealogyOrder = z.infer<typeof GenealogyOrder>;

/** `GET /genealogy/...`: what the query started from, and the orders on its path. */
export const GenealogyAnswer = z.object({
  query: z.object({ kind: z.enum(['component-batch', 'finished-batch', 'serial']), material: z.string(), id: z.string() }),
  orders: z.array(GenealogyOrder),
});
export type GenealogyAnswer = z.infer<typeof GenealogyAnswer>;

export const GenealogyParams = z.object({ material: MaterialCode, id: z.string().min(1).max(18) });
export const LineParams = z.object({ site: Token, line: Token });
