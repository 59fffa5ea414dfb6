import { describe, expect, it } from 'vitest';
import { countByKind, drawSchedule, FAULT_KINDS, scheduleHash } from '../../../soak/schedule.js';

const opts = { durationMs: 3 * 60_000, perMinute: 0.7 };

describe('soak fault schedule', () => {
  it('is the same for the same seed: same faults, same hash', () => {
    const a = drawSchedule({ seed: 4242, ...opts });
    const b = drawSchedule({ seed: 4242, ...opts });
    expect(b).toEqual(a);
    expect(scheduleHash(b)).toBe(scheduleHash(a));
  });

  it('differs for another seed', () => {
    expect(scheduleHash(drawSchedule({ seed: 1, ...opts }))).not.toBe(scheduleHash(drawSchedule({ seed: 2, ...opts })));
  });

  it('holds every kind ceil(minutes x perMinute) times, inside the fault window, sorted by time', () => {
    const s = drawSchedule({ seed: 7, durationMs: 30 * 60_000, perMinute: 0.7, quietStartMs: 20_000 });
    expect(Object.values(countByKind(s))).toEqual(FAULT_KINDS.map(() => 21));
    expect(s.every((f) => f.atMs >= 20_000 && f.atMs <= 30 * 60_000 * 0.9)).toBe(true);
    expect(s.map((f) => f.atMs)).toEqual([...s.map((f) => f.atMs)].sort((x, y) => x - y));
  });

  it('draws the same faults of a kind whether or not other kinds are filtered out', () => {
    const all = drawSchedule({ seed: 9, ...opts });
    const kills = drawSchedule({ seed: 9, ...opts, kinds: ['kill:worker'] });
    expect(kills).toEqual(all.filter((f) => f.kind === 'kill:worker'));
  });
});
