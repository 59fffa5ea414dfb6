import { describe, expect, it } from 'vitest';
import { ConfirmationRequest, GoodsMovementRequest } from '../../../contracts/erp-port.js';

const confirmation = (fields: Partial<ConfirmationRequest>) => ConfirmationRequest.safeParse({
  postingKey: 'work-order:plant1:PRD-000123#1', erpOrderId: 'PRD-000123', operation: '10', yieldQty: '5', scrapQty: '0', unit: 'PC', isFinal: false, ...fields,
});

describe('ERP port contract', () => {
  it('takes order numbers, operations and plants that are not SAP-shaped', () => {
    expect(confirmation({}).success).toBe(true);
    expect(confirmation({ erpOrderId: '1234567890123', operation: '0010' }).success).toBe(true);
    const movement = GoodsMovementRequest.safeParse({
      postingKey: 'k#1', erpOrderId: 'WO_42', movementType: '261', plant: 'US-01', storageLocation: 'MAIN1',
      items: [{ material: 'SCREW-M6', quantity: '4', unit: 'PC' }],
    });
    expect(movement.success).toBe(true);
  });

  it('keeps order numbers safe in workflow ids, posting keys and URL paths', () => {
    for (const erpOrderId of ['lower-case', 'A:B', 'A#1', 'A/B', '-1', 'X'.repeat(33)])
      expect(confirmation({ erpOrderId }).error?.issues[0]?.path, erpOrderId).toEqual(['erpOrderId']);
  });
});
