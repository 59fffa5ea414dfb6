import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { Journal } from '../../../../edge/buffer/journal.js';

// Counts the journal's synchronous fdatasyncs (its own file: the mock is module-wide).
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return { ...real, fdatasyncSync: vi.fn(real.fdatasyncSync) };
});

let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

it('a segment roll while an fdatasync of the old segment is in flight syncs it before handing its batches out', async () => {
  dir = fs.mkdtempSync(path.join(tmpdir(), 'mes-journal-roll-'));
  const j = Journal.open({ dir, maxEvents: 100, segmentBytes: 100 });
  j.append('s', 'm1', `{"pad":"${'x'.repeat(120)}"}`, 1, { 'm/t': 1 });
  j.sync();
  expect(j.peek(10)).toEqual([]);
  vi.mocked(fs.fdatasyncSync).mockClear();
  // m1 filled the segment: this append rolls to a new one while m1's sync still runs on the thread pool.
  j.append('s', 'm2', '{}', 1, { 'm/t': 2 });
  const handedOut = j.peek(10).map((e) => e.msgId);
  // Handed out only because the roll synced the old segment itself.
  if (handedOut.includes('m1')) expect(fs.fdatasyncSync).toHaveBeenCalled();
  expect(handedOut).not.toContain('m2');
  await j.close();
});
