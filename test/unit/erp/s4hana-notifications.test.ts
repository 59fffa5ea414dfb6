import { describe, expect, it } from 'vitest';
import { ErpRejected } from '../../../contracts/erp-port.js';
import { sapReference } from '../../../erp/s4hana/posting-ref.js';
import { useSapDouble } from '../../helpers/sap-double.js';

// Downtime (API_MAINTNOTIFICATION, v2) and quality notifications (v4) over real HTTP against the SAP test double.
const double = useSapDouble();
const { adapter } = double;

const downtime = (postingKey: string) => ({
  postingKey, plant: '1010', line: 'line-2', costCenter: 'CC1000', machine: 'robot-1', state: 'fault' as const,
  startedAt: '2026-11-25T06:10:00.000Z', endedAt: '2026-11-25T06:11:30.000Z', durationMin: '1.5',
});

describe('S/4HANA adapter: downtime and quality notifications', () => {
  it('posts downtime as an M2 malfunction report with breakdown, finds it by its reference and lists it back', async () => {
    const erp = adapter();
    const key = 'shift:plant1:line-2:2026-11-25:A#1';
    const doc = await erp.postDowntime(downtime(key));
    const row = double.sap.store.maintenanceNotifications.at(-1)!;
    expect(row).toMatchObject({
      NotificationType: 'M2', MaintenanceObjectIsDown: true, MaintenancePlanningPlant: '1010', TechnicalObject: 'ROBOT-1',
      MalfunctionStartTime: 'PT06H10M00S', MalfunctionEndTime: 'PT06H11M30S', MaintObjDowntimeDurationUnit: 'MIN',
      MaintNotifExtReferenceNumber: sapReference(key, 20, { upperCase: true }),
    });
    expect(row.MaintNotifExtReferenceNumber).toMatch(/^MES[0-9A-F]{17}$/);
    expect(await erp.findPostings(key, 'downtime')).toEqual([{ document: doc.document, postingKey: key }]);
    expect(await erp.findPostings(key)).toEqual([{ document: doc.document, postingKey: key }]);
    expect(await erp.findPostings(key, 'confirmation')).toEqual([]);
    expect(await erp.findPostings(`${key}0`, 'downtime')).toEqual([]);
    expect(await erp.listDowntime('1010')).toEqual([{
      document: doc.document, reference: row.MaintNotifExtReferenceNumber, machine: 'robot-1', costCenter: 'CC1000', state: 'fault',
      startedAt: '2026-11-25T06:10:00.000Z', endedAt: '2026-11-25T06:11:30.000Z', durationMin: '1.5', notificationType: 'M2', breakdown: true,
    }]);
  });

  it('posts a planned stop as the notification type its reason names, without the breakdown flag, and lists it with its type', async () => {
    const erp = adapter();
    const key = 'shift:plant1:line-2:2026-11-25:A#2';
    const doc = await erp.postDowntime({ ...downtime(key), notificationType: 'Z1', breakdown: false });
    expect(double.sap.store.maintenanceNotifications.at(-1)).toMatchObject({ NotificationType: 'Z1', MaintenanceObjectIsDown: false });
    expect((await erp.listDowntime('1010')).find((d) => d.document === doc.document)).toMatchObject({ notificationType: 'Z1', breakdown: false, state: 'fault' });
  });

  it('keeps a short lower-case key out of an upper-case field by hashing it', () => {
    expect(sapReference('wo#1', 20, { upperCase: true })).toMatch(/^MES[0-9A-F]{17}$/);
    expect(sapReference('WO#1', 20, { upperCase: true })).toBe('WO#1');
    expect(sapReference('wo#1', 20)).toBe('wo#1');
  });

  it('raises a Q3 quality notification through the v4 API and finds it by the reference at the head of its text', async () => {
    const erp = adapter();
    const key = 'work-order:plant1:1000123#7';
    const req = {
      postingKey: key, erpOrderId: '1000123', material: 'BRACKET-A', plant: '1010', quantity: '12.5', unit: 'PC',
      defectText: 'bore diameter 10.4 mm above 10.2 mm', reportedBy: 'mes_comm',
    };
    const doc = await erp.raiseQualityNotification(req);
    const row = double.sap.store.qualityNotifications.at(-1)!;
    expect(row).toMatchObject({ NotificationType: 'Q3', Material: 'BRACKET-A', Plant: '1010', ManufacturingOrder: '1000123', ComplaintQuantity: 12.5, NotificationQuantityUnit: 'PC', ReportedByUser: 'MES_COMM' });
    expect(row.NotificationText).toHaveLength(40);
    expect(row.NotificationText.startsWith(`${sapReference(key, 22)} bore diameter`)).toBe(true);
    expect(await erp.findPostings(key, 'quality-notification')).toEqual([{ document: doc.document, postingKey: key }]);
    expect(await erp.findPostings(key)).toEqual([{ document: doc.document, postingKey: key }]);
    expect(await erp.findPostings('work-order:plant1:1000123#70', 'quality-notification')).toEqual([]);
  });

  it('turns a refusal into ErpRejected with SAP v4 error text', async () => {
    double.sap.faults.set({ rejectMaterials: ['BAD-MAT'] });
    const err = await adapter()
      .raiseQualityNotification({ postingKey: 'wo#9', material: 'BAD-MAT', plant: '1010', quantity: '1', unit: 'PC', defectText: 'x', reportedBy: 'MES' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ErpRejected);
    expect((err as Error).message).toMatch(/HTTP 400: Material BAD-MAT is not maintained for quality management in plant 1010 \(MES_DOUBLE\/002\)/);
    double.sap.faults.set({});
  });
});
