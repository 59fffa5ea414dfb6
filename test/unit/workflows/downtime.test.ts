import { describe, expect, it } from 'vitest';
import type { MachineState } from '../../../contracts/messages/machine-event.js';
import { downtimeIntervals, durationMinutes } from '../../../workflows/downtime.js';

const MIN = 60_000;
const S = 1_000_000 * MIN; // shift start
const E = S + 480 * MIN; // 8 hours later
const at = (min: number) => S + min * MIN;
const tl = (...pairs: Array<[number, MachineState]>): Array<[number, MachineState]> => pairs.map(([m, s]) => [at(m), s]);
const minutes = (i: { startMs: number; endMs: number }) => (i.endMs - i.startMs) / MIN;

describe('downtimeIntervals', () => {
  it('gives one record per contiguous stretch of one non-running state per machine, sorted by machine and start', () => {
    const r = downtimeIntervals(
      {
        'robot-2': tl([0, 'running'], [100, 'fault'], [130, 'running']),
        'robot-1': tl([0, 'running'], [10, 'setup'], [25, 'idle'], [40, 'running'], [400, 'stopped']),
      },
      S,
      E,
    );
    expect(r.map((i) => [i.machine, i.state, (i.startMs - S) / MIN, minutes(i)])).toEqual([
      ['robot-1', 'setup', 10, 15],
      ['robot-1', 'idle', 25, 15],
      ['robot-1', 'stopped', 400, 80], // still stopped at the shift's end
      ['robot-2', 'fault', 100, 30],
    ]);
  });

  it('merges repeated events of one state, and orders events that arrived out of order', () => {
    const r = downtimeIntervals({ m: tl([50, 'fault'], [0, 'running'], [20, 'fault'], [35, 'fault'], [60, 'running']) }, S, E);
    expect(r.map((i) => [i.state, (i.startMs - S) / MIN, minutes(i)])).toEqual([['fault', 20, 40]]);
  });

  it('clips to the shift: a state from before the start counts from the start, nothing after the end', () => {
    const r = downtimeIntervals({ m: tl([-30, 'fault'], [15, 'running'], [470, 'unknown'], [500, 'fault']) }, S, E);
    expect(r.map((i) => [i.state, (i.startMs - S) / MIN, minutes(i)])).toEqual([
      ['fault', 0, 15],
      ['unknown', 470, 10],
    ]);
  });

  it('knows no downtime before a machine reports its first state, nor for a machine always running', () => {
    expect(downtimeIntervals({ a: tl([200, 'running']), b: tl([0, 'running']) }, S, E)).toEqual([]);
    expect(downtimeIntervals({}, S, E)).toEqual([]);
  });

  it('of two changes at one instant keeps the later one', () => {
    const r = downtimeIntervals({ m: tl([0, 'running'], [10, 'fault'], [10, 'setup'], [20, 'running']) }, S, E);
    expect(r.map((i) => [i.state, minutes(i)])).toEqual([['setup', 10]]);
  });
});

describe('durationMinutes', () => {
  it('writes minutes as a decimal string with at most three places', () => {
    expect(durationMinutes(90_000)).toBe('1.5');
    expect(durationMinutes(30 * MIN)).toBe('30');
    expect(durationMinutes(1_000)).toBe('0.017');
    expect(durationMinutes(0)).toBe('0');
  });
});
