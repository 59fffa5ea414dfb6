import { describe, expect, it } from 'vitest';
import { completeOrderSignal, productionCountsSignal } from '../../../workflows/definitions.js';
import { resultOf, UNIT_WAIT_MS } from '../../helpers/workflow-result.js';
import { ev, fakeActivities, useTemporal, withPolicyOrder } from './work-order-harness.js';

useTemporal();

const ERP_POSTINGS = ['postConfirmation', 'postGoodsIssue', 'postGoodsReceipt', 'reverseGoodsIssue', 'reverseGoodsReceipt', 'cancelConfirmation', 'raiseQualityNotification'];
// A fetched history's payloads hold their JSON as bytes.
const decode = (p: { data?: Uint8Array | null } | null | undefined) => (p?.data ? JSON.parse(Buffer.from(p.data).toString('utf8')) : undefined);

/**
 * Soak finding (issue 16, seeds 101, 202, 404, 505, 606): a posting's first attempt ran as a local activity inside the
 * workflow task, so a worker killed after the ERP took it left no trace in the history; the retried task, with counts
 * that arrived meanwhile, decided another posting under the same key. Every posting's input must be in the history
 * (ActivityTaskScheduled) before any attempt runs, so a retried task can only schedule the same one again.
 */
describe('work order postings are decided durably', () => {
  it('every ERP posting is a scheduled activity whose recorded input is what the ERP received; none runs as a local activity', async () => {
    const { posted, movements, activities } = fakeActivities({ rejectFirst: false });
    await withPolicyOrder(activities, 'durable-1', '4', { partialEvery: 2, goodsReceipt: true }, async (h, confirmed) => {
      await h.signal(productionCountsSignal, { v: 1, events: [ev('a', 2)] });
      await confirmed(2);
      await h.signal(productionCountsSignal, { v: 1, events: [ev('b', 1)] });
      await h.signal(completeOrderSignal, { reason: 'planner', requestedBy: 'alice' });
      expect(await resultOf(h, 'its result', UNIT_WAIT_MS)).toMatchObject({ phase: 'confirmed', confirmedGood: 3 });
      const { events } = await h.fetchHistory();
      const localErpCalls = (events ?? [])
        .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')
        .map((e) => decode(e.markerRecordedEventAttributes?.details?.data?.payloads?.[0])?.activity_type as string)
        .filter((t) => ERP_POSTINGS.includes(t));
      expect(localErpCalls).toEqual([]);
      const scheduled = (events ?? []).filter((e) => e.activityTaskScheduledEventAttributes).map((e) => ({
        type: e.activityTaskScheduledEventAttributes!.activityType!.name!,
        input: decode(e.activityTaskScheduledEventAttributes!.input?.payloads?.[0]),
      }));
      // Two confirmations, each with its 261 and 101: six postings, each scheduled once (no retries here); each 261's
      // batches are chosen before it, and each confirmation's output recorded after the ERP took it (docs/genealogy.md).
      const confirmation = ['allocateComponentBatches', 'postGoodsIssue', 'postConfirmation', 'recordOrderOutput', 'postGoodsReceipt'];
      expect(scheduled.map((s) => s.type)).toEqual([...confirmation, ...confirmation]);
      const recordedConfirmations = scheduled.filter((s) => s.type === 'postConfirmation').map((s) => s.input);
      expect(recordedConfirmations).toEqual(JSON.parse(JSON.stringify(posted)));
      expect(scheduled.filter((s) => s.type === 'postGoodsIssue').map((s) => s.input.items)).toEqual(movements.filter((m) => m.kind === '261').map((m) => m.items));
    });
  });
});
