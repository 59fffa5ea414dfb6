import { describe, expect, it } from 'vitest';
import { batchMsgId, MachineEvent, type MachineEventBatch } from '../../../contracts/messages/machine-event.js';

const batch = (site: string, line: string): MachineEventBatch => ({
  v: 1,
  events: [{ v: 1, eventId: 'press-1:good:1767600000000', site, line, machine: 'press-1', tag: 'good', sourceTime: '2026-01-05T08:00:00.000Z', quality: 'good', kind: 'counter', counter: 'good', delta: 3, raw: 103 }],
});

describe('batch msgID', () => {
  it('is the same for a republish and differs for the same machine code on another line or site', () => {
    expect(batchMsgId(batch('plant1', 'line-1'))).toBe(batchMsgId(batch('plant1', 'line-1')));
    const ids = new Set([batchMsgId(batch('plant1', 'line-1')), batchMsgId(batch('plant1', 'line-2')), batchMsgId(batch('plant2', 'line-1'))]);
    expect(ids.size).toBe(3);
  });
});

describe('counts and times the contract accepts are the ones the database can store', () => {
  const hold = {
    v: 1, eventId: 'press-1:good:hold:1', site: 'plant1', line: 'line-1', machine: 'press-1', tag: 'good', sourceTime: '2026-01-05T08:00:00.000Z',
    kind: 'hold', counter: 'good', reason: 'implausible_rate', limit: 3, raw: 45_003,
    readings: [{ raw: 45_000, sourceTime: '2026-01-05T07:59:59.000Z' }],
  };
  it('takes a UInt32 glitch\'s delta and 25 idle days (both past int4) up to 2^53 - 1', () => {
    expect(MachineEvent.safeParse({ ...hold, delta: 4_294_922_295, elapsedMs: 2_160_000_000 }).success).toBe(true);
    expect(MachineEvent.safeParse({ ...hold, delta: Number.MAX_SAFE_INTEGER, elapsedMs: Number.MAX_SAFE_INTEGER }).success).toBe(true);
  });
  it('refuses what bigint and JSON cannot carry exactly, naming the field', () => {
    for (const field of ['delta', 'elapsedMs', 'limit']) {
      const r = MachineEvent.safeParse({ delta: 1, elapsedMs: 1, ...hold, [field]: 2 ** 53 });
      expect(r.success).toBe(false);
      expect(r.error!.issues[0]!.path).toEqual([field]);
    }
    const count = { ...batch('plant1', 'line-1').events[0]!, delta: 2 ** 60 };
    expect(MachineEvent.safeParse(count).error!.issues[0]!.path).toEqual(['delta']);
  });

  it('refuses an event id or tag PostgreSQL text cannot hold (U+0000), naming the field', () => {
    for (const field of ['eventId', 'tag']) {
      const r = MachineEvent.safeParse({ ...hold, delta: 1, elapsedMs: 1, [field]: 'press-1\u0000good' });
      expect(r.error!.issues.map((i) => [i.path, i.message])).toEqual([[[field], 'must not contain U+0000 (PostgreSQL cannot store it)']]);
    }
  });
});
