import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { WorkflowHandle } from '@temporalio/client';
import type { OrderReleased } from '../../contracts/messages/order-release.js';
import type { ProductionCount } from '../../contracts/messages/production-count.js';
import { erpReleaseSubject } from '../../contracts/names.js';
import { ERP_EVENTS_STREAM, ERP_LISTENER_DURABLE } from '../../contracts/streams.js';
import { productionCountsSignal } from '../../workflows/definitions.js';
import type { workOrderWorkflow } from '../../workflows/work-order.js';
import { PostingList } from '../../contracts/messages/erp-rest.js';
import { eventually, type EngineServers, type TestEngine } from './engine.js';

export const SITE = 'plant1';

export const release = (erpOrderId: string, quantity: string, extra: Partial<OrderReleased> = {}): OrderReleased => ({
  v: 1,
  site: SITE,
  erpOrderId,
  material: 'BRACKET-A',
  quantity,
  unit: 'PC',
  line: 'line-2',
  operation: '0010',
  releasedAt: '2026-01-05T06:00:00Z',
  ...extra,
});

export async function publishRelease(engine: TestEngine<EngineServers>, payload: unknown, msgID: string): Promise<void> {
  await jetstream(engine.services.nc).publish(erpReleaseSubject(SITE), JSON.stringify(payload), { msgID });
}

/** Waits until the listener has settled every release published so far. */
export async function releasesSettled(engine: TestEngine<EngineServers>): Promise<void> {
  const jsm = await jetstreamManager(engine.services.nc);
  await eventually(async () => {
    const ci = await jsm.consumers.info(ERP_EVENTS_STREAM, ERP_LISTENER_DURABLE);
    return ci.num_pending === 0 && ci.num_ack_pending === 0 ? true : undefined;
  }, 'the release listener to settle');
}

export function counts(prefix: string, n: number, good: number, scrap: number): ProductionCount[] {
  return Array.from({ length: n }, (_, i) => ({
    eventId: `${prefix}:${i}`,
    machine: 'robot-1',
    sourceTime: new Date(Date.UTC(2026, 0, 5, 6, 0, i)).toISOString(),
    good,
    scrap,
  }));
}

export async function sendInBatches(h: WorkflowHandle<typeof workOrderWorkflow>, events: ProductionCount[], size: number) {
  for (let i = 0; i < events.length; i += size) await h.signal(productionCountsSignal, { v: 1, events: events.slice(i, i + size) });
}

/** What the ERP simulator holds for an order: its postings in the order they were committed. */
export async function ledgerFor(engine: TestEngine<EngineServers>, erpOrderId: string) {
  const res = await fetch(`${engine.services.erpSimUrl}/api/postings?erpOrderId=${erpOrderId}`);
  return PostingList.parse(await res.json()).postings;
}
