import { mkdtempSync, rmSync } from 'node:fs';
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
    expect(batcher.flush()).toEqual({ written: 3, dropped: 0 });
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
});
