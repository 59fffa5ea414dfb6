import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EdgeTag } from '../../../contracts/messages/edge-config.js';
import { Batcher } from '../../../edge/batcher.js';
import { Journal } from '../../../edge/buffer/journal.js';
import { counterKey, TagPipeline } from '../../../edge/tag-pipeline.js';

let dirs: string[] = [];
afterEach(() => {
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  dirs = [];
});

describe('Batcher', () => {
  it('commits counters per site, line, machine and tag: machines with the same code on two lines do not collide', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mes-batcher-'));
    dirs.push(dir);
    const journal = Journal.open({ dir, maxEvents: 100 });
    const tag = EdgeTag.parse({ name: 'good', nodeId: 'ns=1;s=G', kind: 'counter', counter: 'good', windowMs: 0 });
    const a = { site: 'plant1', line: 'line-1', machine: 'press-1' };
    const b = { site: 'plant1', line: 'line-2', machine: 'press-1' };
    const c = { site: 'plant2', line: 'line-1', machine: 'press-1' };
    const batcher = new Batcher(journal);
    for (const [ref, raws] of [[a, [10, 17]], [b, [500, 530]], [c, [0, 4]]] as const) {
      const p = new TagPipeline(ref, tag, { idealCycleTimeS: 0.01 });
      for (const [i, raw] of raws.entries()) p.offer({ value: raw, statusCode: 0, statusText: 'Good', sourceTime: i * 1_000 });
      const out = p.tick(2_000);
      if (out?.type === 'event') batcher.add(out.event);
    }
    expect(batcher.flush()).toEqual({ written: 3, dropped: 0, refused: [] });
    const again = Journal.open({ dir, maxEvents: 100 });
    expect([a, b, c].map((r) => again.committedRaw(counterKey(r, 'good')))).toEqual([17, 530, 4]);
  });

  it('commits a counter with the wall-clock time its raw was read, so a restart knows the time since that reading', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mes-batcher-'));
    dirs.push(dir);
    const journal = Journal.open({ dir, maxEvents: 100 });
    const batcher = new Batcher(journal);
    const ref = { site: 'plant1', line: 'line-1', machine: 'press-1' };
    const tag = EdgeTag.parse({ name: 'good', nodeId: 'ns=1;s=G', kind: 'counter', counter: 'good', windowMs: 0 });
    const p = new TagPipeline(ref, tag, { idealCycleTimeS: 1 });
    p.offer({ value: 10, statusCode: 0, statusText: 'Good', sourceTime: 0 });
    p.offer({ value: 12, statusCode: 0, statusText: 'Good', sourceTime: 5_000 });
    const out = p.tick(9_000);
    expect(out).toMatchObject({ type: 'event', readAt: 5_000 });
    if (out?.type === 'event') batcher.add(out.event, 1_700_000_000_000);
    batcher.flush();
    expect(Journal.open({ dir, maxEvents: 100 }).committed(counterKey(ref, 'good'))).toEqual({ raw: 12, wallMs: 1_700_000_000_000 });
  });

  it('a torn hold line takes only the hold raw with it: the counter line commits its own raw (review finding 8)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mes-batcher-'));
    dirs.push(dir);
    const ref = { site: 'plant1', line: 'line-1', machine: 'press-1' };
    const tag = EdgeTag.parse({ name: 'good', nodeId: 'ns=1;s=G', kind: 'counter', counter: 'good', windowMs: 60_000 });
    const p = new TagPipeline(ref, tag, { idealCycleTimeS: 1 });
    const batcher = new Batcher(Journal.open({ dir, maxEvents: 100, fsync: 'off' }));
    const offer = (value: number, at: number) => p.offer({ value, statusCode: 0, statusText: 'Good', sourceTime: at, receivedAt: at });
    offer(100, 0);
    offer(103, 3_000);
    // The window (3 pieces, raw 103) is still open when an implausible jump is held: both leave in one flush.
    const out = offer(45_003, 3_100);
    expect(out).toMatchObject({ type: 'events', events: [{ kind: 'counter', raw: 103 }, { kind: 'hold', raw: 45_003 }] });
    if (out?.type === 'events') out.events.forEach((e) => batcher.add(e));
    batcher.flush();
    const seg = path.join(dir, readdirSync(dir).find((f) => f.startsWith('segment-'))!);
    const text = readFileSync(seg, 'utf8');
    // A power cut tears the hold's line (the last one).
    writeFileSync(seg, text.slice(0, text.lastIndexOf('\tmes.') + 20));
    const again = Journal.open({ dir, maxEvents: 100, fsync: 'off' });
    expect(again.skippedLines).toBe(1);
    expect(again.committedRaw(counterKey(ref, 'good'))).toBe(103);
  });

  it('an event the contract refuses is left out and reported; the rest of its batch is written (review finding 10)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mes-batcher-'));
    dirs.push(dir);
    const journal = Journal.open({ dir, maxEvents: 100, fsync: 'off' });
    const batcher = new Batcher(journal);
    const ref = { site: 'plant1', line: 'line-2', machine: 'stamping-line-north-hall-2-transfer-press-station-04-robot-ab' };
    const long = 'Line2.TransferPress04.ProductionData.Counters.GoodPartsTotal_DINT.Value.Retentive_CTU_Accumulator.PV_Current.Value_Of_Counter_A';
    for (const name of [long, 'good']) {
      const p = new TagPipeline(ref, EdgeTag.parse({ name, nodeId: 'ns=2;s=x', kind: 'counter', counter: 'good', dataType: 'Int32', windowMs: 0 }), { idealCycleTimeS: 1 });
      for (const [v, at] of [[45_000, 0], [45_002, 2_000]] as const) p.offer({ value: v, statusCode: 0, statusText: 'Good', sourceTime: Date.UTC(2026, 10, 30, 6) + at, receivedAt: at });
      const o = p.tick(2_100);
      if (o?.type === 'event') batcher.add(o.event);
    }
    const r = batcher.flush();
    expect(r).toMatchObject({ written: 1, dropped: 0, refused: [{ eventId: expect.stringContaining(long) }] });
    expect(r.refused[0]!.error).toContain('eventId');
    expect(journal.committedRaw(counterKey(ref, 'good'))).toBe(45_002);
  });

  it('a power cut before a batch is synced cannot count its pieces twice: 100 -> 103 synced, 105 unsynced, 108 after is 8 (review finding 3)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mes-batcher-'));
    dirs.push(dir);
    const ref = { site: 'plant1', line: 'line-1', machine: 'press-1' };
    const tag = EdgeTag.parse({ name: 'good', nodeId: 'ns=1;s=G', kind: 'counter', counter: 'good', windowMs: 0 });
    const T = Date.now() - 60_000;
    const published: Array<{ kind: string; delta?: number }> = [];
    const publish = (j: Journal) => {
      for (const e of j.peek(256)) published.push(...(JSON.parse(e.data) as { events: Array<{ kind: string; delta?: number }> }).events);
      j.ack(j.peek(256).at(-1)?.seq ?? 0);
    };
    const j = Journal.open({ dir, maxEvents: 1_000 });
    const b = new Batcher(j);
    const p = new TagPipeline(ref, tag, { idealCycleTimeS: 1 });
    const step = (v: number, at: number) => {
      p.offer({ value: v, statusCode: 0, statusText: 'Good', sourceTime: T + at, receivedAt: at });
      const o = p.tick(at + 50);
      if (o?.type === 'event') b.add(o.event, T + at);
      b.flush();
    };
    step(100, 0);
    step(103, 3_000);
    await j.synced();
    publish(j);
    const seg = path.join(dir, readdirSync(dir).filter((f) => f.startsWith('segment-')).sort().at(-1)!);
    const durable = readFileSync(seg);
    step(105, 5_000);
    // What the publisher would do right after the flush, while the sync runs: nothing of 105 is handed out.
    publish(j);
    await j.synced();
    // The power cut: 105's line never reached the disk.
    writeFileSync(seg, durable);
    const again = Journal.open({ dir, maxEvents: 1_000 });
    const c = again.committed(counterKey(ref, 'good'))!;
    expect(c.raw).toBe(103);
    const p2 = new TagPipeline(ref, tag, { idealCycleTimeS: 1, committed: { raw: c.raw, wallMs: c.wallMs, at: -(Date.now() - c.wallMs) } });
    p2.offer({ value: 108, statusCode: 0, statusText: 'Good', sourceTime: T + 40_000, receivedAt: 100 });
    const o = p2.tick(200);
    if (o?.type === 'event') published.push(o.event);
    expect(published.filter((e) => e.kind === 'counter').reduce((n, e) => n + (e.delta ?? 0), 0)).toBe(8);
  });
});
