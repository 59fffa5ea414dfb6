import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toThousandths } from '../../contracts/decimal.js';
import { workOrderWorkflowId } from '../../contracts/ids.js';
import { reconcileOrder } from '../../services/reconciliation/reconcile.js';
import { statusQuery } from '../../workflows/definitions.js';
import type { workOrderWorkflow } from '../../workflows/work-order.js';
import { eventually, startTestEngine, type TestEngine } from '../helpers/engine.js';
import { counts, publishRelease, release, releasesSettled, sendInBatches, SITE } from '../helpers/orders.js';
import { resultOf } from '../helpers/workflow-result.js';

/**
 * Review finding 1 on the built-in ERP simulator: a release carrying the order's components (the reviewer's order of
 * 3000 PC needing 1 PC LABEL-ROLL, 2.5 KG RESIN, 1000 PC SCREW) confirmed in three partials issues exactly the
 * requirement. Per-piece rounding issued RESIN 3, SCREW 999 and no LABEL-ROLL.
 */
describe('backflush in proportion to the confirmed yield, against the ERP simulator', () => {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await startTestEngine({ erp: 'sim' });
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('order 3000 PC confirmed 1000 + 1000 + 1000 issues 1 LABEL-ROLL, 2.5 KG RESIN, 1000 SCREW in all', async () => {
    const id = '1400001';
    const components = [
      { material: 'LABEL-ROLL', requiredQty: '1', unit: 'PC' },
      { material: 'RESIN', requiredQty: '2.5', unit: 'KG' },
      { material: 'SCREW', requiredQty: '1000', unit: 'PC' },
    ];
    await publishRelease(engine, release(id, '3000', { components, confirmationPolicy: { partialEvery: 1000, goodsReceipt: false, overdeliveryTolerancePct: 0 } }), `release-${id}`);
    await releasesSettled(engine);
    const h = engine.services.client.workflow.getHandle<typeof workOrderWorkflow>(workOrderWorkflowId(SITE, id));
    for (const n of [1, 2, 3]) {
      await sendInBatches(h, counts(`${id}-${n}`, 1, 1000, 0), 1);
      if (n < 3) await eventually(async () => ((await h.query(statusQuery)).confirmedGood === n * 1000 ? true : undefined), `partial ${n}`);
    }
    expect(await resultOf(h)).toMatchObject({ phase: 'confirmed', confirmedGood: 3000, exception: null });
    const issues = (await engine.erp.listOrderPostings(id)).filter((p) => p.kind === 'goods-movement' && p.movementType === '261');
    expect(issues.map((p) => Object.fromEntries(p.items.map((i) => [i.material, i.quantity])))).toEqual([
      { 'LABEL-ROLL': '0.333', RESIN: '0.833', SCREW: '333.333' },
      { 'LABEL-ROLL': '0.334', RESIN: '0.834', SCREW: '333.334' },
      { 'LABEL-ROLL': '0.333', RESIN: '0.833', SCREW: '333.333' },
    ]);
    const total = (m: string) => issues.flatMap((p) => p.items).filter((i) => i.material === m).reduce((s, i) => s + toThousandths(i.quantity), 0);
    expect([total('LABEL-ROLL'), total('RESIN'), total('SCREW')]).toEqual([1_000, 2_500, 1_000_000]);
    const rec = await reconcileOrder({ client: engine.services.client, db: engine.services.db, erp: engine.erp }, SITE, id);
    expect(rec.differences).toEqual([]);
  });
});
