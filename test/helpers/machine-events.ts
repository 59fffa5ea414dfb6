import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { batchMsgId, machineEventSubject, MachineEventMessage, type CounterHoldEvent, type MachineEvent, type MachineEventBatch } from '../../contracts/messages/machine-event.js';

/** `n` good-count events of one machine, every `stepMs` (1 s) from `startMs`, each `delta` pieces; ids are deterministic. */
export function goodCounts(o: { site?: string; line: string; machine: string; n: number; startMs: number; stepMs?: number; delta?: number; prefix?: string }): MachineEvent[] {
  const step = o.stepMs ?? 1000;
  return Array.from({ length: o.n }, (_, i) => ({
    v: 1,
    eventId: `${o.prefix ?? o.machine}:good:${o.startMs + i * step}`,
    site: o.site ?? 'plant1',
    line: o.line,
    machine: o.machine,
    tag: 'ns=2;s=GoodCount',
    sourceTime: new Date(o.startMs + i * step).toISOString(),
    quality: 'good',
    kind: 'counter',
    counter: 'good',
    delta: o.delta ?? 1,
    raw: i + 1,
  }));
}

/** Publishes events as the edge gateway does: batches per machine and kind, msgID for stream dedupe. */
export async function publishEvents(nc: NatsConnection, events: MachineEvent[], batchSize = 100, inFlight = 32): Promise<void> {
  const js = jetstream(nc);
  const batches: MachineEventBatch[] = [];
  for (let i = 0; i < events.length; i += batchSize) batches.push(MachineEventMessage.parse({ v: 1, events: events.slice(i, i + batchSize) }));
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(inFlight, batches.length) }, async () => {
      while (next < batches.length) {
        const b = batches[next++]!;
        await js.publish(machineEventSubject(b.events[0]!), JSON.stringify(b), { msgID: batchMsgId(b), timeout: 60_000 });
      }
    }),
  );
}

/** A hold as the edge publishes it: the counter read 45000, then 0 (Good), then `45000 + delta`. */
export const holdEvent = (machine: string, line: string, atMs: number, delta: number, reason: 'implausible_rate' | 'unexplained_drop' = 'implausible_rate'): CounterHoldEvent => ({
  v: 1, eventId: `${machine}:ns=1;s=${machine}.Good:hold:${atMs}`, site: 'plant1', line, machine, tag: `ns=1;s=${machine}.Good`,
  sourceTime: new Date(atMs).toISOString(), quality: 'good', kind: 'hold', counter: 'good', reason, delta, limit: 3, elapsedMs: 2_000,
  raw: 45_000 + delta,
  readings: [
    { raw: 45_000, sourceTime: new Date(atMs - 2_000).toISOString() },
    { raw: 0, sourceTime: new Date(atMs - 1_000).toISOString() },
    { raw: 45_000 + delta, sourceTime: new Date(atMs).toISOString() },
  ],
});
