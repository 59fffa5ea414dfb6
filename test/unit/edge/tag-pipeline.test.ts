import { describe, expect, it } from 'vitest';
import { EdgeTag } from '../../../contracts/messages/edge-config.js';
import { MachineEvent } from '../../../contracts/messages/machine-event.js';
import { TagPipeline, type Outcome } from '../../../edge/tag-pipeline.js';

const ref = { site: 'plant1', line: 'line-1', machine: 'press-1' };
const good = (value: unknown, t: number) => ({ value, statusCode: 0, statusText: 'Good', sourceTime: t });
const events = (outs: Outcome[]) => outs.flatMap((o) => (o?.type === 'event' ? [MachineEvent.parse(o.event)] : []));

describe('TagPipeline', () => {
  it('counter: sums deltas over the window into one event with a deterministic id', () => {
    const p = new TagPipeline(ref, EdgeTag.parse({ name: 'good', nodeId: 'ns=1;s=G', kind: 'counter', counter: 'good', windowMs: 1_000 }), { idealCycleTimeS: 0.01 });
    const outs = [p.offer(good(100, 0)), p.offer(good(103, 100)), p.offer(good(110, 200)), p.tick(500), p.tick(1_200)];
    expect(events(outs)).toMatchObject([{ kind: 'counter', delta: 10, raw: 110, eventId: 'press-1:good:200:110', sourceTime: new Date(200).toISOString() }]);
  });

  it('counter: continues from the committed raw after a restart', () => {
    const p = new TagPipeline(ref, EdgeTag.parse({ name: 'good', nodeId: 'ns=1;s=G', kind: 'counter', counter: 'good', windowMs: 0 }), { idealCycleTimeS: 0.01, committed: { raw: 100, at: -1_000, wallMs: 0 } });
    expect(events([p.offer(good(107, 0)), p.tick(1)])).toMatchObject([{ delta: 7, raw: 107 }]);
  });

  it('counter: holds pieces while the buffer is full and releases them all later', () => {
    const p = new TagPipeline(ref, EdgeTag.parse({ name: 'good', nodeId: 'ns=1;s=G', kind: 'counter', counter: 'good', windowMs: 0 }), { idealCycleTimeS: 0.01, committed: { raw: 0, at: -1_000, wallMs: 0 } });
    p.offer(good(5, 0));
    expect(p.tick(10, false)).toBeUndefined();
    p.offer(good(9, 20));
    expect(p.pendingDelta).toBe(9);
    expect(events([p.tick(30, true)])).toMatchObject([{ delta: 9 }]);
  });

  it('a bad status is dropped with its reason and does not move the counter', () => {
    const p = new TagPipeline(ref, EdgeTag.parse({ name: 'good', nodeId: 'ns=1;s=G', kind: 'counter', counter: 'good', windowMs: 0 }), { idealCycleTimeS: 0.01, committed: { raw: 10, at: -1_000, wallMs: 0 } });
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
    const p = new TagPipeline(ref, EdgeTag.parse({ name: 'good', nodeId: 'ns=1;s=G', kind: 'counter', counter: 'good', dataType: 'UInt16' }), { idealCycleTimeS: 0.01 });
    expect(p.offer(good(70_000, 1))).toMatchObject({ type: 'dropped', reason: 'bad_value' });
    expect(p.offer(good('x', 1))).toMatchObject({ type: 'dropped', reason: 'bad_value' });
  });

  it('counter: a REAL value off a whole number, NaN, or outside the configured range is bad_value with the reason', () => {
    const real = new TagPipeline(ref, EdgeTag.parse({ name: 'good', nodeId: 'ns=1;s=G', kind: 'counter', counter: 'good', dataType: 'Float' }), { idealCycleTimeS: 1 });
    expect(real.offer(good(12.5, 1))).toEqual({ type: 'dropped', reason: 'bad_value', detail: 'counter value 12.5 is not a whole number of pieces (Float)' });
    expect(real.offer(good(Number.NaN, 1))).toEqual({ type: 'dropped', reason: 'bad_value', detail: 'counter value NaN is not a number' });
    expect(real.offer(good(12.0000001, 1))).toEqual({ type: 'filtered' });
    // 2^24: where a REAL stops counting (x + 1 rounds back to x), so it is refused, never a counter silently stuck.
    expect(real.offer(good(2 ** 24 - 1, 1))).not.toMatchObject({ type: 'dropped' });
    expect(real.offer(good(2 ** 24, 1))).toEqual({ type: 'dropped', reason: 'bad_value', detail: 'counter value 16777216 is outside the counter\'s range -16777215..16777215 (Float)' });
    const wrap = new TagPipeline(ref, EdgeTag.parse({ name: 'good', nodeId: 'ns=1;s=G', kind: 'counter', counter: 'good', dataType: 'UInt16', wrap: { min: 0, max: 9_999 } }), { idealCycleTimeS: 1 });
    expect(wrap.offer(good(10_000, 1))).toEqual({ type: 'dropped', reason: 'bad_value', detail: 'counter value 10000 is outside the counter\'s range 0..9999 (UInt16)' });
    const signed = new TagPipeline(ref, EdgeTag.parse({ name: 'good', nodeId: 'ns=1;s=G', kind: 'counter', counter: 'good', dataType: 'Int16' }), { idealCycleTimeS: 1 });
    expect(signed.offer(good(-5, 1))).toEqual({ type: 'filtered' });
  });

  it('counter: a hold closes the open window first, then goes out with its readings; the raw moves on', () => {
    const notes: unknown[] = [];
    const p = new TagPipeline(ref, EdgeTag.parse({ name: 'good', nodeId: 'ns=1;s=G', kind: 'counter', counter: 'good', windowMs: 10_000 }), { idealCycleTimeS: 1, onCounter: (n) => notes.push(n) });
    p.offer(good(100, 0));
    p.offer(good(102, 1_000));
    const out = p.offer(good(5_000, 2_000));
    expect(out?.type).toBe('events');
    const evs = out?.type === 'events' ? out.events.map((e) => MachineEvent.parse(e)) : [];
    expect(evs).toMatchObject([
      { kind: 'counter', delta: 2, raw: 102 },
      {
        kind: 'hold',
        counter: 'good',
        reason: 'implausible_rate',
        delta: 4_898,
        limit: 6,
        elapsedMs: 1_000,
        raw: 5_000,
        eventId: 'press-1:good:hold:2000:5000',
        readings: [
          { raw: 102, sourceTime: new Date(1_000).toISOString() },
          { raw: 5_000, sourceTime: new Date(2_000).toISOString() },
        ],
      },
    ]);
    expect(notes).toEqual([{ type: 'hold', reason: 'implausible_rate' }]);
    p.offer(good(5_001, 3_000));
    expect(events([p.flushCounter()])).toMatchObject([{ delta: 1, raw: 5_001 }]);
  });

  it('counter: a drop waits for the next reading, or the confirm time on the tick', () => {
    const notes: unknown[] = [];
    const p = new TagPipeline(ref, EdgeTag.parse({ name: 'good', nodeId: 'ns=1;s=G', kind: 'counter', counter: 'good', windowMs: 0, dropConfirmMs: 500 }), { idealCycleTimeS: 0.1, onCounter: (n) => notes.push(n) });
    p.offer(good(45_000, 0));
    p.offer(good(0, 100));
    expect(p.hasPending).toBe(true);
    expect(p.tick(200)).toBeUndefined();
    p.offer(good(45_003, 300));
    expect(events([p.tick(400)])).toMatchObject([{ delta: 3, raw: 45_003 }]);
    p.offer(good(7, 1_000));
    expect(p.tick(1_400)).toBeUndefined();
    expect(events([p.tick(1_500)])).toMatchObject([{ delta: 7, raw: 7 }]);
    expect(notes).toEqual([{ type: 'suspect' }, { type: 'decided', step: 'glitch' }, { type: 'suspect' }, { type: 'decided', step: 'reset' }]);
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
    const counter = new TagPipeline(ref, EdgeTag.parse({ name: 'good', nodeId: 'ns=1;s=G', kind: 'counter', counter: 'good', windowMs: 100 }), { idealCycleTimeS: 0.01 });
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
