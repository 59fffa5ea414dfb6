import { describe, expect, it } from 'vitest';
import { ConfirmationRequest, ErpRejected, GoodsMovementRequest } from '../../../contracts/erp-port.js';
import { useSapDouble } from '../../helpers/sap-double.js';

// The port takes generic order numbers, operations and plants; the S/4HANA adapter refuses what SAP cannot hold,
// naming the field, before SAP sees a request.
const double = useSapDouble();
const { adapter } = double;

const conf = (erpOrderId: string, operation = '0010') =>
  ConfirmationRequest.parse({ postingKey: `c#${erpOrderId}`, erpOrderId, operation, yieldQty: '1', scrapQty: '0', unit: 'PC', isFinal: false });
const movement = (fields: Partial<GoodsMovementRequest>) => GoodsMovementRequest.parse({
  postingKey: 'm#1', erpOrderId: '1000170', movementType: '261', plant: '1010', storageLocation: '0002',
  items: [{ material: 'SCREW-M6', quantity: '4', unit: 'PC' }], ...fields,
});
const refusal = (p: Promise<unknown>) => p.then(() => new Error('accepted'), (e: unknown) => e as Error);

describe('S/4HANA adapter: SAP field shapes at its boundary', () => {
  it('refuses a 13-character order number (AUFNR holds 12), naming the field', async () => {
    const sent = double.sap.store.confirmations.length;
    const err = await refusal(adapter().postConfirmation(conf('1234567890123')));
    expect(err).toBeInstanceOf(ErpRejected);
    expect(err.message).toBe('SAP confirmation c#1234567890123: erpOrderId "1234567890123" must be 1-12 of 0-9 and A-Z (SAP AUFNR)');
    expect(double.sap.store.confirmations).toHaveLength(sent);
    await expect(adapter().listOrderPostings('ORDER_1')).rejects.toThrow(/erpOrderId "ORDER_1" must be 1-12 of 0-9 and A-Z/);
  });

  it('refuses an operation that is not a 4-digit VORNR', async () => {
    const err = await refusal(adapter().postConfirmation(conf('1000171', '10')));
    expect(err).toBeInstanceOf(ErpRejected);
    expect(err.message).toMatch(/^SAP confirmation c#1000171: operation "10" must be a 4-digit operation number/);
  });

  it('refuses a 5-character plant and storage location (WERKS and LGORT hold 4), naming the field', async () => {
    const sent = double.sap.store.materialDocuments.length;
    const plant = await refusal(adapter().postGoodsMovement(movement({ plant: '10100' })));
    expect(plant).toBeInstanceOf(ErpRejected);
    expect(plant.message).toBe('SAP material document m#1: plant "10100" must be a 4-character SAP plant like 1010');
    const sloc = await refusal(adapter().postGoodsMovement(movement({ storageLocation: 'MAIN1' })));
    expect(sloc.message).toMatch(/storageLocation "MAIN1" must be a 4-character SAP storage location/);
    expect(double.sap.store.materialDocuments).toHaveLength(sent);
    const downtime = await refusal(adapter().postDowntime({
      postingKey: 'd#1', plant: 'US-01', line: 'line-2', costCenter: 'CC1000', machine: 'robot-1', state: 'fault',
      startedAt: '2026-11-25T06:10:00.000Z', endedAt: '2026-11-25T06:11:30.000Z', durationMin: '1.5',
    }));
    expect(downtime).toBeInstanceOf(ErpRejected);
    expect(downtime.message).toMatch(/^SAP downtime d#1: plant "US-01" must be a 4-character SAP plant/);
    await expect(adapter().listDowntime('10100')).rejects.toBeInstanceOf(ErpRejected);
  });

  it('refuses a quality notification for an order number SAP cannot hold', async () => {
    const err = await refusal(adapter().raiseQualityNotification({
      postingKey: 'q#1', erpOrderId: 'PRD-000123', material: 'BRACKET-A', plant: '1010', quantity: '2', unit: 'PC',
      defectText: 'burr on edge', reportedBy: 'operator',
    }));
    expect(err).toBeInstanceOf(ErpRejected);
    expect(err.message).toMatch(/erpOrderId "PRD-000123" must be 1-12 of 0-9 and A-Z/);
  });

  it('still posts what SAP can hold, as before', async () => {
    const doc = await adapter().postGoodsMovement(movement({}));
    expect(doc.document).toMatch(/\//);
  });
});
