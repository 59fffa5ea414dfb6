import { closeSync, existsSync, fdatasync, fdatasyncSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';

/** A regular file takes a whole write at once in practice; the loop keeps a short write from tearing a line. */
function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text);
  for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off);
}

/** One publishable message waiting in the journal: its JSON payload is written once and sent as is. */
export interface JournalEntry {
  seq: number;
  subject: string;
  msgId: string;
  data: string;
  events: number;
}

export interface JournalOptions {
  dir: string;
  /** The bound, in events; an append past it is refused and the caller counts the drop. */
  maxEvents: number;
  /** A new segment file starts past this size, so acknowledged data can be deleted file by file. */
  segmentBytes?: number;
  /**
   * When appended batches reach the disk itself, not only the OS page cache (default `'flush'`):
   * - `'flush'`: `sync()` (the gateway calls it once per tick, after the batcher's flush) starts an fdatasync of the
   *   segment on libuv's thread pool, so the event loop goes on reading OPC UA meanwhile; appends made while one
   *   runs are synced by the next, started when it ends. A new segment is fsynced with its directory, and the old
   *   one fdatasynced, before batches go into it (synchronously: once per 16 MB). A power cut loses at most the
   *   batches appended since the last completed sync (one tick, 50 ms by default, plus the sync in flight) and what
   *   the filters had not yet emitted; never a batch whose sync completed.
   * - `'off'`: the OS writes back when it likes (Linux: about 5-30 s); a process crash loses nothing, a power cut the
   *   unsynced tail. For disks where fsync is known to be too slow and the loss is accepted.
   * Counters lose no pieces either way: a counter's committed raw travels in the same line as its deltas, so a lost
   * line rolls both back, and the PLC's absolute counter brings the pieces again after the restart.
   * With `'flush'`, `peek` hands out only batches whose fdatasync completed: a batch published before it is durable
   * could be lost with its committed raw in a power cut, and its pieces counted again after the restart.
   */
  fsync?: 'flush' | 'off';
}

/** A counter's committed raw value and when it was read, on the wall clock (ms since epoch). */
export interface CommittedCounter {
  raw: number;
  wallMs: number;
}

/**
 * A raw to commit. `order`: the position of the event that carries it among all the gateway's counter events (the
 * batcher's count, increasing): the journal keeps, per counter, the raw of the highest order among the lines it has,
 * so a later line carrying an older event's raw (another subject's, flushed in the same tick) cannot move a counter
 * back, and a torn line takes only its own events' raws with it.
 */
export interface CounterCommit extends CommittedCounter {
  order?: number;
}

/**
 * The store-and-forward buffer: an append-only journal of batches on disk, plus an ack cursor. It also carries each
 * counter's committed raw value (in every record and as a snapshot at the head of each segment), so a restart
 * restores both what is unsent and where every counter stood, from the same write.
 *
 * Line format, tab-separated so the payload is not escaped twice:
 *   `s\t<countersJSON>`                                   snapshot, first line of a segment
 *   `b\t<seq>\t<subject>\t<msgId>\t<events>\t<countersJSON>\t<payload>`   a batch
 *   `c\t<countersJSON>`                                   raws committed without a batch (a 0-piece reset)
 * countersJSON maps a counter key to `[raw, wallMs, order?]` (when that raw was read, on the wall clock, so the time
 * since then is known after a restart: the plausibility check needs it; `order`: see `CounterCommit`). Journals written before that hold a bare `raw`; its time
 * is taken as the segment file's modification time, which is no earlier than the commit, so the elapsed time is
 * never overstated (a counter's allowance is never too large).
 * A torn last line (crash mid-write, or a power cut's unsynced tail, which may read back as NUL bytes) is ignored;
 * what it held was never acknowledged to anyone.
 */
export class Journal {
  private readonly pending: JournalEntry[] = [];
  private readonly counters = new Map<string, CommittedCounter>();
  /** Each counter's committed order (see `CounterCommit`); journals written before orders existed have none. */
  private readonly orders = new Map<string, number>();
  /** Added to the orders the caller gives: above every order loaded, so a new process's orders come after them. */
  private orderBase = 0;
  /** Batches up to this seq are durable (synced, or loaded from disk and synced at open): `peek` hands out no later one. */
  private durableSeq = 0;
  /** Called when batches became durable (after a completed sync): the publisher's wake-up. */
  onDurable: (() => void) | undefined;
  private readonly segments: Array<{ file: string; lastSeq: number }> = [];
  private pendingEvents = 0;
  private nextSeq = 1;
  private acked = 0;
  private segmentSize = 0;
  private cursorDirty = false;
  /** The open segment's descriptor: appends go through it, and `sync()` fdatasyncs it. */
  private fd: number | undefined;
  private unsynced = false;
  /** An fdatasync runs on the thread pool; `syncedWaiters` wait for everything appended to be synced. */
  private syncing = false;
  private syncedWaiters: Array<() => void> = [];
  /** A segment closed while its sync ran: closed when that sync ends (closing first could sync a reused fd). */
  private closeAfterSync: number | undefined;
  /** Time fsyncs were running (s), for the gateway's metric; on the thread pool for the per-tick syncs. */
  fsyncSeconds = 0;
  /** The last fsync failure, if any (the gateway logs it); appends go on, since the data is still in the page cache. */
  syncError: Error | undefined;
  readonly skippedLines: number;

  private constructor(private readonly o: JournalOptions) {
    mkdirSync(o.dir, { recursive: true });
    this.skippedLines = this.load();
  }

  static open(o: JournalOptions): Journal {
    return new Journal(o);
  }

  get depthEvents(): number {
    return this.pendingEvents;
  }

  get depthMessages(): number {
    return this.pending.length;
  }

  committedRaw(key: string): number | undefined {
    return this.counters.get(key)?.raw;
  }

  /** The counter's committed raw and when it was committed (see `CommittedCounter`). */
  committed(key: string): CommittedCounter | undefined {
    return this.counters.get(key);
  }

  hasRoom(events: number): boolean {
    return this.pendingEvents + events <= this.o.maxEvents;
  }

  /**
   * Appends a batch; false when the bound would be passed (nothing is written then). `counters`: each counter's
   * committed raw, with when it was read (wall clock) or, a bare number, stamped with the time of this append.
   */
  append(subject: string, msgId: string, data: string, events: number, counters: Record<string, number | CounterCommit>, force = false): boolean {
    // `force` is for counter batches: the gateway already holds counters back while the buffer is full, and what it
    // lets through must not be lost, so those may pass the bound by one tick's worth.
    if (!force && !this.hasRoom(events)) return false;
    if (this.segments.length === 0 || this.segmentSize > (this.o.segmentBytes ?? 16 * 1024 * 1024)) this.startSegment();
    const seq = this.nextSeq++;
    const line = `b\t${seq}\t${subject}\t${msgId}\t${events}\t${this.stamp(counters)}\t${data}\n`;
    const seg = this.segments[this.segments.length - 1]!;
    this.write(line);
    seg.lastSeq = seq;
    this.pending.push({ seq, subject, msgId, data, events });
    this.pendingEvents += events;
    if (this.o.fsync === 'off') this.durableSeq = seq;
    return true;
  }

  /**
   * Commits counters' raws without a batch: a reset that meant 0 pieces moves the counter's baseline, and a restart
   * must judge the next reading from there, not from the raw before the reset.
   */
  commit(counters: Record<string, CounterCommit>): void {
    if (this.segments.length === 0 || this.segmentSize > (this.o.segmentBytes ?? 16 * 1024 * 1024)) this.startSegment();
    this.write(`c\t${this.stamp(counters)}\n`);
  }

  private write(line: string): void {
    writeAll(this.fd!, line);
    this.unsynced = true;
    this.segmentSize += Buffer.byteLength(line);
  }

  /** Applies `counters` to the committed state and returns their JSON for a line (`[raw, wallMs, order?]` each). */
  private stamp(counters: Record<string, number | CounterCommit>): string {
    const wallMs = Date.now();
    let stamped = '{';
    for (const [k, v] of Object.entries(counters)) {
      const c = typeof v === 'number' ? { raw: v, wallMs } : { raw: v.raw, wallMs: Math.round(v.wallMs) };
      const order = typeof v === 'number' || v.order === undefined ? undefined : this.orderBase + v.order;
      stamped += `${stamped.length > 1 ? ',' : ''}${JSON.stringify(k)}:[${c.raw},${c.wallMs}${order === undefined ? '' : `,${order}`}]`;
      this.setCounter(k, c, order);
    }
    return `${stamped}}`;
  }

  /** Keeps the raw of the highest order per counter; without orders, the later line wins. */
  private setCounter(key: string, c: CommittedCounter, order: number | undefined): void {
    const had = this.orders.get(key);
    if (order !== undefined && had !== undefined && order < had) return;
    this.counters.set(key, c);
    if (order !== undefined) this.orders.set(key, order);
  }

  /**
   * Starts making every append so far durable (policy `'flush'`): an fdatasync on the thread pool, or, while one
   * runs, the next one when it ends. A no-op with nothing new or with `fsync: 'off'`.
   */
  sync(): void {
    if (!this.unsynced || this.fd === undefined || this.syncing) return;
    this.unsynced = false;
    if (this.o.fsync === 'off') return this.settle();
    const fd = this.fd;
    const upTo = this.nextSeq - 1;
    const t0 = performance.now();
    this.syncing = true;
    fdatasync(fd, (err) => {
      this.syncing = false;
      this.fsyncSeconds += (performance.now() - t0) / 1_000;
      // A failed sync leaves its batches unpublished; the next sync (next tick) covers them again.
      if (err) {
        this.syncError = err;
        this.unsynced = true;
      } else if (upTo > this.durableSeq) {
        this.durableSeq = upTo;
        this.onDurable?.();
      }
      if (this.closeAfterSync === fd) {
        closeSync(fd);
        this.closeAfterSync = undefined;
      }
      if (this.unsynced) this.sync();
      else this.settle();
    });
  }

  /** Resolves once everything appended so far is synced (at once with `fsync: 'off'`): for stop and tests. */
  synced(): Promise<void> {
    this.sync();
    if (!this.syncing && !this.unsynced) return Promise.resolve();
    return new Promise((resolve) => this.syncedWaiters.push(resolve));
  }

  private settle(): void {
    if (this.syncing || this.unsynced) return;
    const waiters = this.syncedWaiters;
    this.syncedWaiters = [];
    waiters.forEach((w) => w());
  }

  /** Syncs and closes the open segment; the journal is not used after this. */
  async close(): Promise<void> {
    await this.synced();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Durable unacknowledged entries `from`..`to` (exclusive) in order; 0 is the oldest. */
  peek(to: number, from = 0): JournalEntry[] {
    const p = this.pending;
    // Durable entries are a prefix of `pending`; the newest are the undurable ones, so search from the end.
    let end = Math.min(to, p.length);
    while (end > from && p[end - 1]!.seq > this.durableSeq) end--;
    return p.slice(from, end);
  }

  /** Everything up to `seq` is stored by JetStream; whole segments behind the cursor are deleted. */
  ack(seq: number): void {
    while (this.pending.length > 0 && this.pending[0]!.seq <= seq) this.pendingEvents -= this.pending.shift()!.events;
    if (seq <= this.acked) return;
    this.acked = seq;
    this.cursorDirty = true;
    while (this.segments.length > 1 && this.segments[0]!.lastSeq <= this.acked) rmSync(this.segments.shift()!.file, { force: true });
  }

  /** Persists the ack cursor; called on a timer and at stop. A lost cursor only means a republish, deduped by msgID. */
  flushCursor(): void {
    if (!this.cursorDirty) return;
    const file = path.join(this.o.dir, 'cursor.json');
    writeFileSync(`${file}.tmp`, JSON.stringify({ acked: this.acked }));
    renameSync(`${file}.tmp`, file);
    this.cursorDirty = false;
  }

  private startSegment(): void {
    // The time part keeps names unique when a segment held no batch before a restart.
    const file = path.join(this.o.dir, `segment-${String(this.nextSeq).padStart(12, '0')}-${String(Date.now()).padStart(15, '0')}.jsonl`);
    const snapshot = Object.fromEntries(
      [...this.counters].map(([k, c]) => {
        const order = this.orders.get(k);
        return [k, order === undefined ? [c.raw, c.wallMs] : [c.raw, c.wallMs, order]];
      }),
    );
    const line = `s\t${JSON.stringify(snapshot)}\n`;
    if (this.fd !== undefined) {
      // The old segment's tail must be durable before the new one's batches can be, and before `durableSeq` covers
      // it: also while an fdatasync of it is still in flight (`unsynced` is already false then), or a batch would be
      // handed out before its sync completed.
      if (this.o.fsync !== 'off' && (this.unsynced || this.syncing)) fdatasyncSync(this.fd);
      this.unsynced = false;
      if (this.nextSeq - 1 > this.durableSeq) {
        this.durableSeq = this.nextSeq - 1;
        this.onDurable?.();
      }
      if (this.syncing) this.closeAfterSync = this.fd;
      else closeSync(this.fd);
    }
    this.fd = openSync(file, 'a');
    writeAll(this.fd, line);
    if (this.o.fsync !== 'off') {
      // The snapshot line and the file's directory entry must be on disk before batches after it can be: a segment
      // that vanished with a power cut would take the counters' snapshot with it.
      const t0 = performance.now();
      fsyncSync(this.fd);
      const dir = openSync(this.o.dir, 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
      this.fsyncSeconds += (performance.now() - t0) / 1_000;
    }
    this.segments.push({ file, lastSeq: this.nextSeq - 1 });
    this.segmentSize = line.length;
  }

  private load(): number {
    const cursor = path.join(this.o.dir, 'cursor.json');
    if (existsSync(cursor)) this.acked = (JSON.parse(readFileSync(cursor, 'utf8')) as { acked: number }).acked;
    this.nextSeq = this.acked + 1;
    let skipped = 0;
    const files = readdirSync(this.o.dir).filter((f) => /^segment-\d+-\d+\.jsonl$/.test(f)).sort();
    for (const f of files) {
      const file = path.join(this.o.dir, f);
      const seg = { file, lastSeq: 0 };
      const lines = readFileSync(file, 'utf8').split('\n');
      const mtime = statSync(file).mtimeMs;
      const setCounters = (json: string) => {
        for (const [k, v] of Object.entries(JSON.parse(json) as Record<string, number | [number, number, number?]>)) {
          this.setCounter(k, typeof v === 'number' ? { raw: v, wallMs: mtime } : { raw: v[0], wallMs: v[1] }, typeof v === 'number' ? undefined : v[2]);
          if (typeof v !== 'number' && v[2] !== undefined) this.orderBase = Math.max(this.orderBase, v[2] + 1);
        }
      };
      // Only a segment's last line can be torn by a crash mid-write (appends are sequential), so only it is parsed to
      // check.
      let last = lines.length - 1;
      while (last >= 0 && !lines[last]) last--;
      // Pages written back out of order before a power cut can leave a hole of NUL bytes mid-file. The hole was never
      // synced, so no sync completed past it and nothing from it on was published: the segment ends there. Keeping
      // the lines after it would move counters past raws whose events are lost, and their pieces with them.
      const torn = (from: number) => {
        for (let j = from; j <= last; j++) if (lines[j]) skipped++;
      };
      for (let i = 0; i <= last; i++) {
        const line = lines[i]!;
        if (!line) continue;
        if (line.includes('\0')) {
          torn(i);
          break;
        }
        const parts = line.split('\t');
        try {
          if (parts[0] === 's' || parts[0] === 'c') {
            setCounters(parts[1]!);
            continue;
          }
          if (parts[0] !== 'b' || parts.length < 7) throw new Error('short line');
          const seq = Number(parts[1]);
          const data = parts.slice(6).join('\t');
          if (i === last) JSON.parse(data); // a torn payload must not be sent
          setCounters(parts[5]!);
          seg.lastSeq = seq;
          this.nextSeq = Math.max(this.nextSeq, seq + 1);
          if (seq > this.acked) {
            const events = Number(parts[4]);
            this.pending.push({ seq, subject: parts[2]!, msgId: parts[3]!, data, events });
            this.pendingEvents += events;
          }
        } catch {
          torn(i);
          break;
        }
      }
      this.segments.push(seg);
    }
    // What a previous run appended may still be in the page cache only (it crashed before its sync): synced now,
    // before any of it is handed to the publisher. fdatasync, not fsync: reading the file may have dirtied only its
    // access time, and an fsync would then wait for a filesystem journal commit (slow on a busy disk).
    if (this.o.fsync !== 'off')
      for (const seg of this.segments) {
        const fd = openSync(seg.file, 'r');
        try {
          fdatasyncSync(fd);
        } finally {
          closeSync(fd);
        }
      }
    this.durableSeq = this.nextSeq - 1;
    // Appends go to a fresh segment, so a torn tail line is never followed by good ones in the same file.
    if (this.segments.length > 0) this.startSegment();
    return skipped;
  }
}
