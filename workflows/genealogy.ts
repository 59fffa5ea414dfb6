import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { OrderContext } from '../activities/master-data.js';
import type { GoodsMovementItem } from '../contracts/erp-port.js';
import type { OrderOutput } from '../contracts/messages/genealogy.js';
import { postingKey } from '../contracts/ids.js';
import { OWN_DATABASE_SCHEDULED } from './activity-options.js';
import type { WorkOrderState } from './work-order-state.js';

const db = proxyActivities<Pick<Activities, 'allocateComponentBatches' | 'releaseComponentBatches' | 'recordOrderOutput'>>(OWN_DATABASE_SCHEDULED);

/**
 * A work order's batches and genealogy (docs/genealogy.md), for runs started with the patch 'component-batches'
 * (workflows/work-order.ts): each 261's component batches chosen by an activity whose result is in the history (so a
 * retry, a replay or a restarted worker posts the same batches), released when the 261 is taken back, and each
 * confirmation's finished batch and serials recorded once the ERP took it.
 */
export class OrderGenealogy {
  constructor(
    private readonly order: WorkOrderState,
    private readonly ctx: OrderContext,
  ) {}

  private get where() {
    const { release } = this.order;
    return { workflowId: this.order.workflowId, site: release.site, line: release.line, erpOrderId: release.erpOrderId };
  }

  /** The 261 `goodsIssueSeq`'s items split by component batch (FIFO over the line's staged batches). */
  allocate(goodsIssueSeq: number, items: GoodsMovementItem[]): Promise<GoodsMovementItem[]> {
    const erpBatches = this.ctx.bom.flatMap((b) =>
      b.batch ? [{ material: b.component, batch: b.batch, quantity: b.required?.quantity ?? '0', unit: b.unit }] : []);
    return db.allocateComponentBatches({ ...this.where, postingKey: postingKey(this.order.workflowId, goodsIssueSeq), items, erpBatches });
  }

  /** The 261 `goodsIssueSeq` was reversed: its batches are staged again. */
  release(goodsIssueSeq: number): Promise<void> {
    return db.releaseComponentBatches({ goodsIssueKey: postingKey(this.order.workflowId, goodsIssueSeq) });
  }

  /** The finished batch and serials of the confirmation `confirmationSeq` of `yieldQty` units after `confirmedBefore`. */
  recordOutput(confirmationSeq: number, confirmedBefore: number, yieldQty: number): Promise<OrderOutput> {
    const { release } = this.order;
    return db.recordOrderOutput({
      ...this.where, material: release.material, ...(release.batch ? { batch: release.batch } : {}), unit: release.unit,
      postingKey: postingKey(this.order.workflowId, confirmationSeq), confirmedBefore, yieldQty,
    });
  }
}
