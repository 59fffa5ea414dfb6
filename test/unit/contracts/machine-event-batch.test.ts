import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { SignalDefinition } from '@temporalio/common';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { routeEvents } from '../../../bridge/route.js';
import { chunks } from '../../../contracts/batch.js';
import { MachineEventBatch, MachineEventMessage, type MachineEvent } from '../../../contracts/messages/machine-event.js';
import { Batcher } from '../../../edge/batcher.js';
import type { Journal } from '../../../edge/buffer/journal.js';
import { machineEventsSignal } from '../../../workflows/definitions.js';
import { ShiftState } from '../../../workflows/shift-state.js';
import { defaultShiftCalendar } from '../../../shifts/calendar-of.js';

// One set of fixtures for every hop a machine-event batch takes: edge (producer) -> JetStream -> signal bridge
// (consumer, then producer of the shift signal) -> shift workflow (consumer). If a hop grew its own schema, these drift.
const dir = path.join(import.meta.dirname, '../../fixtures/messages/machine-event-batch');
const files = (kind: 'valid' | 'invalid') => readdirSync(path.join(dir, kind)).map((f) => [f, JSON.parse(readFileSync(path.join(dir, kind, f), 'utf8')) as unknown] as const);

/** What the edge gateway journals (and then publishes) for these events: the Batcher parses each message against the contract. */
function publishedByEdge(events: MachineEvent[]): unknown[] {
  const out: unknown[] = [];
  const journal = { append: (_subject: string, _msgId: string, data: string) => out.push(JSON.parse(data)) > 0, sync: () => undefined } as unknown as Journal;
  const batcher = new Batcher(journal);
  for (const e of events) batcher.add(e);
  batcher.flush();
  return out;
}

const byId = (a: MachineEvent, b: MachineEvent) => a.eventId.localeCompare(b.eventId);

describe('machine-event batch: one schema from the edge to the shift workflow', () => {
  it('is the payload of the shift workflow\'s machineEvents signal', () => {
    expectTypeOf(machineEventsSignal).toEqualTypeOf<SignalDefinition<[MachineEventBatch]>>();
    // Recorded histories carry this name.
    expect(machineEventsSignal.name).toBe('machineEvents');
  });

  it.each(files('valid'))('%s: published by the edge, consumed by the bridge, signalled to and applied by the shift', (_name, fixture) => {
    const batch = MachineEventBatch.parse(fixture);
    const messages = publishedByEdge(batch.events);
    expect(messages.length).toBeGreaterThan(0);
    const items = messages.flatMap((m, message) => {
      const r = MachineEventMessage.safeParse(m);
      if (!r.success) throw r.error;
      return r.data.events.map((event) => ({ event, message }));
    });
    const routing = routeEvents(items, (site) => ({ site, line: 'line-1', calendar: defaultShiftCalendar('Europe/Berlin'), countingPoint: true, measuredTags: [], activeOrder: null }));
    expect(routing.shifts.size).toBe(1);
    const [group] = routing.shifts.values();
    // deliverToShift signals the shift's events in chunks of the same schema.
    const signalled = chunks(group!.events).map((events) => MachineEventBatch.parse({ v: 1, events }));
    expect(signalled.flatMap((b) => b.events).sort(byId)).toEqual([...batch.events].sort(byId));
    const shift = new ShiftState(group!.input);
    for (const b of signalled) shift.apply(b);
    expect(shift.tally.eventsApplied).toBe(batch.events.length);
  });

  it('a line\'s batch is a shift signal but not one wire message: a message carries one machine and kind', () => {
    const [, fixture] = files('valid').find(([name]) => name === 'line-shift.json')!;
    expect(MachineEventBatch.safeParse(fixture).success).toBe(true);
    const r = MachineEventMessage.safeParse(fixture);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toContain('belongs to mes.plant1.line-1.press-1.counter, the batch to mes.plant1.line-1.press-1.state');
  });

  it.each(files('invalid'))('%s is refused by the wire message and the shift signal alike', (_name, fixture) => {
    expect(MachineEventMessage.safeParse(fixture).success).toBe(false);
    expect(MachineEventBatch.safeParse(fixture).success).toBe(false);
  });
});
