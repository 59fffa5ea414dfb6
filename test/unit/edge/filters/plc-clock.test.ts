import { describe, expect, it, vi } from 'vitest';
import { EdgeTag } from '../../../../contracts/messages/edge-config.js';
import { MachineEvent } from '../../../../contracts/messages/machine-event.js';
import { ClockSkew } from '../../../../edge/opcua/clock-skew.js';
import { TagPipeline, type Outcome } from '../../../../edge/tag-pipeline.js';

// Timers run on the gateway's clock (receivedAt, tick); the PLC's source time is only the events' business time.
const ref = { site: 'plant1', line: 'line-1', machine: 'press-1' };
const PLC_EPOCH = Date.UTC(2026, 10, 30, 6, 0, 0);
const HOURS_2 = 2 * 3_600_000;
const events = (outs: Outcome[]) => outs.flatMap((o) => (o?.type === 'event' ? [MachineEvent.parse(o.event)] : []));
/** A Good reading received at `rx` (gateway ms) whose PLC clock is `skewMs` off the true time. */
const reading = (value: unknown, rx: number, skewMs: number) => ({ value, statusCode: 0, statusText: 'Good', sourceTime: PLC_EPOCH + rx + skewMs, receivedAt: rx });

/** Offers each reading at its receive time and ticks every 50 ms of gateway time, as the gateway does. */
function run(p: TagPipeline, readings: Array<[unknown, number]>, skewMs: number, untilMs: number): Outcome[] {
  const outs: Outcome[] = [];
  let next = 0;
  for (let now = 0; now <= untilMs; now += 50) {
    while (next < readings.length && readings[next]![1] <= now) {
      const [v, rx] = readings[next++]!;
      outs.push(p.offer(reading(v, rx, skewMs)));
    }
    outs.push(p.tick(now));
  }
  return outs;
}

const stateTag = EdgeTag.parse({ name: 'state', nodeId: 'ns=1;s=S', kind: 'state', map: { RUN: 'running', STOP: 'stopped' }, debounceMs: 500 });

describe('filters on the gateway clock, whatever the PLC clock says', () => {
  it('PLC 2 h ahead: RUN, STOP at 60 s, RUN at 180 s is one stop of 120 s, stamped with the PLC time', () => {
    const p = new TagPipeline(ref, stateTag);
    const out = events(run(p, [['RUN', 0], ['STOP', 60_000], ['RUN', 180_000]], HOURS_2, 181_000));
    expect(out.map((e) => (e.kind === 'state' ? [e.previous, e.state] : []))).toEqual([
      [null, 'running'],
      ['running', 'stopped'],
      ['stopped', 'running'],
    ]);
    const at = out.map((e) => Date.parse(e.sourceTime));
    expect(at[2]! - at[1]!).toBe(120_000);
    // Business time stays the PLC's own.
    expect(at[1]).toBe(PLC_EPOCH + HOURS_2 + 60_000);
  });

  it('PLC 2 h behind: 100 ms blips are debounced away', () => {
    const p = new TagPipeline(ref, stateTag);
    const blips: Array<[unknown, number]> = [['RUN', 0]];
    for (let t = 10_000; t < 20_000; t += 1_000) blips.push(['STOP', t], ['RUN', t + 100]);
    const out = events(run(p, blips, -HOURS_2, 21_000));
    expect(out.map((e) => (e.kind === 'state' ? e.state : ''))).toEqual(['running']);
  });

  it('a counter window closes on gateway time with the PLC 2 h ahead or behind', () => {
    for (const skew of [HOURS_2, -HOURS_2]) {
      const p = new TagPipeline(ref, EdgeTag.parse({ name: 'good', nodeId: 'ns=1;s=G', kind: 'counter', counter: 'good', windowMs: 1_000 }), { idealCycleTimeS: 0.01, committed: { raw: 100, at: -1_000, wallMs: 0 } });
      const outs = run(p, [[103, 100], [107, 500], [110, 900], [115, 1_300]], skew, 2_500);
      // One window 100..1100 ms (10 pieces), the next from 1300 ms (5 pieces): not one event per tick, not none.
      expect(events(outs).map((e) => (e.kind === 'counter' ? e.delta : 0))).toEqual([10, 5]);
    }
  });

  it('a minimum interval runs on gateway time with the PLC 2 h behind', () => {
    const tag = EdgeTag.parse({ name: 't', nodeId: 'ns=1;s=T', kind: 'analog', unit: 'degC', deadband: { type: 'absolute', value: 0 }, minIntervalMs: 1_000 });
    const p = new TagPipeline(ref, tag);
    const out = events(run(p, [[1, 0], [2, 100], [3, 200], [4, 1_100]], -HOURS_2, 2_500));
    // 1 at once, 3 (the latest waiting) when the interval ends at 1000 ms, 4 at 2000 ms.
    expect(out.map((e) => (e.kind === 'analog' ? e.value : 0))).toEqual([1, 3, 4]);
  });
});

describe('ClockSkew', () => {
  it('measures source minus server time and warns once past the threshold, once when back', () => {
    const log = { warn: vi.fn(), info: vi.fn() };
    const s = new ClockSkew(60_000, log as never);
    s.observe(1_000, 1_000);
    expect(s.lastMs).toBe(0);
    s.observe(HOURS_2 + 5, 5);
    s.observe(HOURS_2 + 9, 9);
    expect(s.lastMs).toBe(HOURS_2);
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(log.warn.mock.calls[0]![0]).toMatchObject({ skewMs: HOURS_2, warnMs: 60_000 });
    s.observe(-HOURS_2, 0);
    expect(log.warn).toHaveBeenCalledTimes(1);
    s.observe(100, 0);
    expect(log.info).toHaveBeenCalledTimes(1);
    s.observe(5, undefined);
    expect(s.lastMs).toBe(100);
  });
});
