import type { Client } from '@temporalio/client';
import { createMasterDataActivities } from '../../activities/master-data.js';
import { workOrderWorkflowId } from '../../contracts/ids.js';
import type { WorkOrderStatus } from '../../contracts/messages/work-order-status.js';
import type { Db } from '../../db/client.js';
import type { ErpAdapter } from '../../erp/port.js';
import { reconcile, type Reconciliation } from '../../erp/reconcile.js';
import { statusQuery } from '../../workflows/definitions.js';

export interface ReconcileDeps {
  client: Client;
  db: Db;
  erp: ErpAdapter;
}

/**
 * Reconciles one order: shop-floor truth from its workflow (the result of a closed one, else its status query) and
 * the BOM from master data, against every document the ERP holds for the order, read from the ERP.
 */
export async function reconcileOrder(deps: ReconcileDeps, site: string, erpOrderId: string): Promise<Reconciliation & { phase: string }> {
  const handle = deps.client.workflow.getHandle(workOrderWorkflowId(site, erpOrderId));
  const described = await handle.describe();
  // A closed workflow answers with its result and needs no worker; an open one is asked.
  const status: WorkOrderStatus = described.status.name === 'COMPLETED' ? await handle.result() : await handle.query(statusQuery);
  const [context, postings] = await Promise.all([
    createMasterDataActivities(deps).loadOrderContext({ site, line: status.line, material: status.material }),
    deps.erp.listOrderPostings(erpOrderId),
  ]);
  const result = reconcile(
    {
      erpOrderId,
      material: status.material,
      unit: status.unit,
      good: status.good,
      scrap: status.scrap,
      confirmedGood: status.confirmedGood,
      confirmedScrap: status.confirmedScrap,
      finalConfirmed: status.phase === 'confirmed',
      goodsReceipt: status.goodsReceipt,
      bom: context.bom,
    },
    postings,
  );
  return { ...result, phase: status.phase };
}
