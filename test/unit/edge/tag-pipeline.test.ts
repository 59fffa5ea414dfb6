import { describe, expect, it } from 'vitest';
import { EdgeTag } from '../../../contracts/messages/edge-config.js';
import { MachineEvent } from '../../../contracts/messages/machine-event.js';
import { TagPipeline, type Outcome } from '../../../edge/tag-pipeline.js';

const ref = { site: 'plant1', line: 'line-1', machine: 'press-1' };
const good = (value: unknown, t: number) => ({ value, statusCode: 0, statusText: 'Good', sourceTime: t });
const events = (outs: Outcome[]) => outs.flatMap((o) => (o?.type === 'event' ? [MachineEvent.parse(o.event)] : []));

describe('TagPipeline', () => {
  it('counter: sums deltas over the window into one event with a deterministic id', () => {
    const p = new TagPipeline(ref, EdgeTag.parse({ name: 'good', nodeId: 'ns=1;s=G', kind: 'counter', counter: 'good', windowMs: 1_000 }));
    const outs = [p.offer(good(100, 0)), p.offer(good(103, 100)), p.offer(good(110, 200)), p.tick(500), p.tick(1_200)];
    expect(events(outs)).toMatchObject([{ kind: 'counter', delta: 10, raw: 110, eventId: 'press-1:good:200:110', sourceTime: new Date(200).toISOString() }]);
  });

  it('counter: continues from the committed raw after a restart', () => {
    const p = new TagPipeline(ref, EdgeTag.parse({ name: 'good', nodeId: 'ns=1;s=G', kind: 'counter', counter: 'good', windowMs: 0 }), 100);
    expect(events([p.offer(good(107, 0)), p.tick(1)])).toMatchObject([{ delta: 7, raw: 107 }]);
  });

  it('counter: holds pieces while the buffer is full and releases them all later', () => {
    const p = new TagPipeline(ref, EdgeTag.parse({ name: 'good', nodeId: 'ns=1;s=G', kind: 'counter', counter: 'good', windowMs: 0 }), 0);
    p.offer(good(5, 0));
    expect(p.tick(10, false)).toBeUndefined();
    p.offer(good(9, 20));
    expect(p.pendingDelta).toBe(9);
    expect(events([p.tick(30, true)])).toMatchObject([{ delta: 9 }]);
  });

  it('a bad status is dropped with its reason and does not move the counter', () => {
    const p = new TagPipeline(ref, EdgeTag.parse({ name: 'good', nodeId: 'ns=1;s=G', kind: 'counter', counter: 'good', windowMs: 0 }), 10);
    expect(p.offer({ value: 0, statusCode: 0x808c0000, statusText: 'BadSensorFailure', sourceTime: 1 })).toEqual({ type: 'dropped', reason: 'bad_status', detail: 'BadSensorFailure' });
    p.offer(good(12, 2));
    expect(events([p.tick(3)])).toMatchObject([{ delta: 2 }]);
  });

  it('an uncertain value travels flagged', () => {
    const p = new TagPipeline(ref, EdgeTag.parse({ name: 't', nodeId: 'ns=1;s=T', kind: 'analog', unit: 'degC' }));
    expect(events([p.offer({ value: 21.5, statusCode: 0x40900000, statusText: 'UncertainLastUsableValue', sourceTime: 5 })])).toMatchObject([
      { kind: 'analog', value: 21.5, unit: 'degC', quality: 'uncertain' },
    ]);
  });

  it('a counter value that is not a valid integer is dropped as bad_value', () => {
    const p = new TagPipeline(ref, EdgeTag.parse({ name: 'good', nodeId: 'ns=1;s=G', kind: 'counter', counter: 'good', dataType: 'UInt16' }));
    expect(p.offer(good(70_000, 1))).toMatchObject({ type: 'dropped', reason: 'bad_value' });
    expect(p.offer(good('x', 1))).toMatchObject({ type: 'dropped', reason: 'bad_value' });
  });

  it('state: maps raw values, debounces, and carries the previous state', () => {
    const p = new TagPipeline(ref, EdgeTag.parse({ name: 's', nodeId: 'ns=1;s=S', kind: 'state', map: { '1': 'running', '0': 'stopped' }, debounceMs: 100 }));
    const outs = [p.offer(good(1, 0)), p.tick(100), p.offer(good(0, 200)), p.offer(good(1, 250)), p.tick(400), p.offer(good(7, 500)), p.tick(600)];
    expect(events(outs).map((e) => e.kind === 'state' && [e.previous, e.state])).toEqual([
      [null, 'running'],
      ['running', 'unknown'],
    ]);
  });

  it('alarm: raise and clear events with the configured code', () => {
    const p = new TagPipeline(ref, EdgeTag.parse({ name: 'a', nodeId: 'ns=1;s=A', kind: 'alarm', code: 'E-42', text: 'guard open' }));
    const evs = events([p.offer(good(false, 0)), p.offer(good(true, 1)), p.offer(good(false, 2))]);
    expect(evs.map((e) => e.kind === 'alarm' && [e.code, e.active, e.eventId])).toEqual([
      ['E-42', true, 'press-1:a:1:raise'],
      ['E-42', false, 'press-1:a:2:clear'],
    ]);
  });

  it('hasPending: true exactly while a tick can still produce an event (the gateway ticks only those)', () => {
    const counter = new TagPipeline(ref, EdgeTag.parse({ name: 'good', nodeId: 'ns=1;s=G', kind: 'counter', counter: 'good', windowMs: 100 }));
    counter.offer(good(1, 0));
    expect(counter.hasPending).toBe(false); // a baseline is no piece
    counter.offer(good(3, 10));
    expect(counter.hasPending).toBe(true);
    expect(events([counter.tick(200)])).toMatchObject([{ delta: 2 }]);
    expect(counter.hasPending).toBe(false);

    const state = new TagPipeline(ref, EdgeTag.parse({ name: 's', nodeId: 'ns=1;s=S', kind: 'state', map: { '1': 'running' }, debounceMs: 100 }));
    state.offer(good(1, 0));
    expect(state.hasPending).toBe(true);
    expect(events([state.tick(100)])).toHaveLength(1);
    expect(state.hasPending).toBe(false);
    state.offer(good(1, 150));
    expect(state.hasPending).toBe(false); // the published state again

    const analog = new TagPipeline(ref, EdgeTag.parse({ name: 't', nodeId: 'ns=1;s=T', kind: 'analog', minIntervalMs: 1_000 }));
    expect(events([analog.offer(good(1, 0))])).toHaveLength(1);
    expect(analog.hasPending).toBe(false);
    analog.offer(good(2, 10));
    expect(analog.hasPending).toBe(true); // waits for its interval
    expect(events([analog.tick(500)])).toHaveLength(0);
    expect(events([analog.tick(1_000)])).toMatchObject([{ value: 2 }]);
    expect(analog.hasPending).toBe(false);

    const alarm = new TagPipeline(ref, EdgeTag.parse({ name: 'a', nodeId: 'ns=1;s=A', kind: 'alarm', code: 'E-1' }));
    alarm.offer(good(true, 0));
    expect(alarm.hasPending).toBe(false);
  });
});
