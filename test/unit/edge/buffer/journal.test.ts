import { appendFileSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from '../../../../edge/buffer/journal.js';

let dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'mes-journal-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  dirs = [];
});

describe('Journal', () => {
  it('keeps unsent batches and counter state across a reopen, in order', async () => {
    const dir = fresh();
    const j = Journal.open({ dir, maxEvents: 100 });
    j.append('mes.a.b.c.counter', 'm1', '{"n":1}', 2, { 'c/good': 10 });
    j.append('mes.a.b.c.counter', 'm2', '{"n":2}', 3, { 'c/good': 15 });
    j.append('mes.a.b.c.state', 'm3', '{"n":3}', 1, {});
    j.ack(1);
    j.flushCursor();
    const again = Journal.open({ dir, maxEvents: 100 });
    expect(again.peek(10).map((e) => [e.seq, e.msgId, e.data])).toEqual([
      [2, 'm2', '{"n":2}'],
      [3, 'm3', '{"n":3}'],
    ]);
    expect(again.depthEvents).toBe(4);
    expect(again.committedRaw('c/good')).toBe(15);
    // New appends continue the sequence (handed out once synced).
    again.append('s', 'm4', '{}', 1, {});
    await again.synced();
    expect(again.peek(10).map((e) => e.seq)).toEqual([2, 3, 4]);
  });

  it('refuses appends past the bound unless forced (counters)', () => {
    const j = Journal.open({ dir: fresh(), maxEvents: 5 });
    expect(j.append('s', 'a', '{}', 4, {})).toBe(true);
    expect(j.append('s', 'b', '{}', 2, {})).toBe(false);
    expect(j.append('s', 'c', '{}', 2, { 'm/t': 1 }, true)).toBe(true);
    expect(j.depthEvents).toBe(6);
  });

  it('deletes acknowledged segments but keeps counter state through a snapshot', () => {
    const dir = fresh();
    const j = Journal.open({ dir, maxEvents: 1_000, segmentBytes: 100 });
    for (let i = 1; i <= 20; i++) j.append('s', `m${i}`, `{"i":${i}}`, 1, { 'm/t': i });
    expect(readdirSync(dir).filter((f) => f.startsWith('segment-')).length).toBeGreaterThan(3);
    j.ack(20);
    j.flushCursor();
    expect(readdirSync(dir).filter((f) => f.startsWith('segment-')).length).toBe(1);
    const again = Journal.open({ dir, maxEvents: 1_000 });
    expect(again.depthEvents).toBe(0);
    expect(again.committedRaw('m/t')).toBe(20);
  });

  it('ignores a torn last line from a crash mid-write', () => {
    const dir = fresh();
    const j = Journal.open({ dir, maxEvents: 100 });
    j.append('s', 'a', '{"ok":1}', 1, {});
    const seg = readdirSync(dir).find((f) => f.startsWith('segment-'))!;
    appendFileSync(path.join(dir, seg), 'b\t2\ts\tb\t1\t{}\t{"tor');
    const again = Journal.open({ dir, maxEvents: 100 });
    expect(again.skippedLines).toBe(1);
    expect(again.peek(10).map((e) => e.msgId)).toEqual(['a']);
  });

  it('stamps a bare committed raw with the wall-clock time of its append', async () => {
    const dir = fresh();
    const before = Date.now();
    const j = Journal.open({ dir, maxEvents: 100 });
    j.append('s', 'a', '{}', 1, { 'm/good': 42 });
    await j.close();
    const c = Journal.open({ dir, maxEvents: 100 }).committed('m/good')!;
    expect(c.raw).toBe(42);
    expect(c.wallMs).toBeGreaterThanOrEqual(before);
    expect(c.wallMs).toBeLessThanOrEqual(Date.now());
  });

  it('reads a journal of the old bare-number format, taking the commit time from the segment file (never earlier)', () => {
    const dir = fresh();
    const file = path.join(dir, 'segment-000000000001-000001700000000000.jsonl');
    writeFileSync(file, 's\t{"m/good":7}\nb\t1\tmes.a.b.c.counter\tm1\t1\t{"m/good":10}\t{"n":1}\n');
    const mtime = new Date('2026-11-30T08:00:00Z');
    utimesSync(file, mtime, mtime);
    const j = Journal.open({ dir, maxEvents: 100 });
    expect(j.committed('m/good')).toEqual({ raw: 10, wallMs: mtime.getTime() });
    expect(j.peek(10).map((e) => e.msgId)).toEqual(['m1']);
  });

  it('after a power cut, skips an unsynced tail (NUL bytes, a torn line) and holds every synced batch', async () => {
    const dir = fresh();
    const j = Journal.open({ dir, maxEvents: 10_000 });
    for (let i = 1; i <= 50; i++) {
      j.append('s', `m${i}`, `{"i":${i}}`, 1, { 'm/t': i });
      j.sync();
    }
    await j.synced();
    const seg = path.join(dir, readdirSync(dir).find((f) => f.startsWith('segment-'))!);
    // What ext4 can show after a cut: the file grew, the data blocks never made it (zeros), then a partial line.
    appendFileSync(seg, `${'\0'.repeat(4096)}b\t51\ts\tm51\t1\t{"m/t":[51,0]}\t{"i":5`);
    const again = Journal.open({ dir, maxEvents: 10_000 });
    expect(again.skippedLines).toBe(1);
    expect(again.peek(100).map((e) => e.msgId)).toEqual(Array.from({ length: 50 }, (_, i) => `m${i + 1}`));
    expect(again.committedRaw('m/t')).toBe(50);
  });

  it('after a power cut, ends a segment at a NUL hole mid-file: the lines after it were never synced, so never published', async () => {
    const dir = fresh();
    const j = Journal.open({ dir, maxEvents: 10_000 });
    for (let i = 1; i <= 3; i++) j.append('s', `m${i}`, `{"i":${i}}`, 1, { 'm/t': i * 10 });
    await j.synced();
    await j.close();
    const seg = path.join(dir, readdirSync(dir).filter((f) => f.startsWith('segment-')).sort().at(-1)!);
    // Pages written back out of order: a hole where m4 was, then m5 and m6 whole on disk.
    appendFileSync(seg, `${'\0'.repeat(64)}\nb\t5\ts\tm5\t1\t{"m/t":[50,0]}\t{"i":5}\nb\t6\ts\tm6\t1\t{"m/t":[60,0]}\t{"i":6}\n`);
    const again = Journal.open({ dir, maxEvents: 10_000 });
    expect(again.skippedLines).toBe(3);
    expect(again.peek(100).map((e) => e.msgId)).toEqual(['m1', 'm2', 'm3']);
    // The counter stays at the last raw whose event is kept, so the next reading counts the pieces of the hole.
    expect(again.committedRaw('m/t')).toBe(30);
  });

  it('fsyncs on sync() with the default policy (appends during a sync are synced by the next), and not with fsync off', async () => {
    const synced = Journal.open({ dir: fresh(), maxEvents: 100, segmentBytes: 200 });
    synced.fsyncSeconds = 0;
    // Segments of 200 bytes: rotations while a sync runs close the old segment only once that sync ended.
    for (let i = 0; i < 20; i++) {
      synced.append('s', `m${i}`, '{"pad":"0123456789012345678901234567890123456789"}', 1, { 'm/t': i });
      synced.sync();
    }
    await synced.synced();
    expect(synced.fsyncSeconds).toBeGreaterThan(0);
    expect(synced.syncError).toBeUndefined();
    await synced.close();
    const off = Journal.open({ dir: fresh(), maxEvents: 100, fsync: 'off' });
    off.append('s', 'a', '{}', 1, {});
    await off.synced();
    expect(off.fsyncSeconds).toBe(0);
  });

  it('hands a batch to the publisher only once its fdatasync completed (fsync off: at once)', async () => {
    const j = Journal.open({ dir: fresh(), maxEvents: 100 });
    let woken = 0;
    j.onDurable = () => woken++;
    j.append('s', 'm1', '{}', 1, { 'm/t': 103 });
    j.sync();
    // Appended, its sync running: a power cut now could still lose it, so it must not be published yet.
    expect(j.peek(10)).toEqual([]);
    j.append('s', 'm2', '{}', 1, { 'm/t': 105 });
    await j.synced();
    expect(j.peek(10).map((e) => e.msgId)).toEqual(['m1', 'm2']);
    expect(woken).toBeGreaterThan(0);
    const off = Journal.open({ dir: fresh(), maxEvents: 100, fsync: 'off' });
    off.append('s', 'm1', '{}', 1, {});
    expect(off.peek(10).map((e) => e.msgId)).toEqual(['m1']);
  });

  it('keeps per counter the raw of the newest event even when an older one is in a later line', () => {
    const dir = fresh();
    const j = Journal.open({ dir, maxEvents: 100, fsync: 'off' });
    // One tick: a hold (order 2) in the hold subject's line, then the counter line carrying an older delta (order 1).
    j.append('hold', 'h', '{}', 1, { 'm/t': { raw: 45_003, wallMs: 2, order: 2 } });
    j.append('counter', 'c', '{}', 1, { 'm/t': { raw: 103, wallMs: 1, order: 1 } });
    expect(j.committedRaw('m/t')).toBe(45_003);
    expect(Journal.open({ dir, maxEvents: 100, fsync: 'off' }).committedRaw('m/t')).toBe(45_003);
    // A new process's orders start again at 1 and still come after the loaded ones.
    const again = Journal.open({ dir, maxEvents: 100, fsync: 'off' });
    again.commit({ 'm/t': { raw: 0, wallMs: 3, order: 1 } });
    expect(Journal.open({ dir, maxEvents: 100, fsync: 'off' }).committedRaw('m/t')).toBe(0);
  });
});
