import type { GoodsMovementItem } from '../contracts/erp-port.js';
import type { BatchAllocationInput, OrderOutput, OrderOutputInput } from '../contracts/messages/genealogy.js';
import { allocateComponentBatches, releaseComponentBatches } from '../db/batch-allocation.js';
import type { Db } from '../db/client.js';
import { recordOrderOutput } from '../db/order-output.js';

/**
 * Batches and genealogy of a work order (docs/genealogy.md): the batch choice of each 261 and the output of each
 * confirmation, in our own PostgreSQL. Scheduled (not local) activities: their input is in the history before they
 * run, so a workflow task retried with more counts cannot record a choice under a key another input then posts.
 */
export function createGenealogyActivities(deps: { db: Db }) {
  const { db } = deps;
  return {
    /** The 261's items split by component batch, chosen once under its posting key (db/batch-allocation.ts). */
    async allocateComponentBatches(input: BatchAllocationInput): Promise<GoodsMovementItem[]> {
      return allocateComponentBatches(db, input);
    },
    /** The 261 under `goodsIssueKey` was reversed: its batches are staged again. */
    async releaseComponentBatches(input: { goodsIssueKey: string }): Promise<void> {
      await releaseComponentBatches(db, input.goodsIssueKey);
    },
    /** The confirmation's finished batch and serial numbers, recorded once under its key (db/order-output.ts). */
    async recordOrderOutput(input: OrderOutputInput): Promise<OrderOutput> {
      return recordOrderOutput(db, input);
    },
  };
}
