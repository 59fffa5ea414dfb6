import { describe, expect, it } from 'vitest';
import { batchMsgId, type MachineEventBatch } from '../../../contracts/messages/machine-event.js';

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
