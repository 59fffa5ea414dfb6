import { jetstream } from '@nats-io/jetstream';
import { workOrderWorkflowId } from '../../contracts/ids.js';
import { erpReleaseSubject } from '../../contracts/names.js';
import { statusQuery } from '../../workflows/definitions.js';
import type { workOrderWorkflow } from '../../workflows/work-order.js';
import { eventually, type TestEngine } from './engine.js';

export const testRelease = (erpOrderId: string, line: string, quantity: string) => ({
  v: 1, site: 'plant1', erpOrderId, material: 'BRACKET-A', quantity, unit: 'PC', line, operation: '0010', releasedAt: '2026-01-05T06:00:00Z',
});

/**
 * Releases an order over NATS as the ERP does and waits until the work order is `released` and its read-model row,
 * which the bridge's line context reads, is there.
 */
export async function releaseOrder(engine: TestEngine, erpOrderId: string, line: string, quantity: string) {
  await jetstream(engine.services.nc).publish(erpReleaseSubject('plant1'), JSON.stringify(testRelease(erpOrderId, line, quantity)), { msgID: `r-${erpOrderId}` });
  const h = engine.services.client.workflow.getHandle<typeof workOrderWorkflow>(workOrderWorkflowId('plant1', erpOrderId));
  await eventually(async () => ((await h.query(statusQuery)).phase === 'released' ? true : undefined), `order ${erpOrderId} released`);
  await eventually(async () => {
    const rows = await engine.services.db.query.workOrders.findMany({ where: (w, { eq: e }) => e(w.workflowId, h.workflowId) });
    return rows.length > 0 ? true : undefined;
  }, `read model row of order ${erpOrderId}`);
  return h;
}
