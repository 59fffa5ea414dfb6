import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

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
}

/**
 * The store-and-forward buffer: an append-only journal of batches on disk, plus an ack cursor. It also carries each
 * counter's committed raw value (in every record and as a snapshot at the head of each segment), so a restart
 * restores both what is unsent and where every counter stood, from the same write.
 *
 * Line format, tab-separated so the payload is not escaped twice:
 *   `s\t<countersJSON>`                                   snapshot, first line of a segment
 *   `b\t<seq>\t<subject>\t<msgId>\t<events>\t<countersJSON>\t<payload>`   a batch
 * A torn last line (crash mid-write) is ignored; what it held was never acknowledged to anyone.
 */
export class Journal {
  private readonly pending: JournalEntry[] = [];
  private readonly counters = new Map<string, number>();
  private readonly segments: Array<{ file: string; lastSeq: number }> = [];
  private pendingEvents = 0;
  private nextSeq = 1;
  private acked = 0;
  private segmentSize = 0;
  private cursorDirty = false;
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
    return this.counters.get(key);
  }

  hasRoom(events: number): boolean {
    return this.pendingEvents + events <= this.o.maxEvents;
  }

  /** Appends a batch; false when the bound would be passed (nothing is written then). */
  append(subject: string, msgId: string, data: string, events: number, counters: Record<string, number>, force = false): boolean {
    // `force` is for counter batches: the gateway already holds counters back while the buffer is full, and what it
    // lets through must not be lost, so those may pass the bound by one tick's worth.
    if (!force && !this.hasRoom(events)) return false;
    if (this.segments.length === 0 || this.segmentSize > (this.o.segmentBytes ?? 16 * 1024 * 1024)) this.startSegment();
    const seq = this.nextSeq++;
    const line = `b\t${seq}\t${subject}\t${msgId}\t${events}\t${JSON.stringify(counters)}\t${data}\n`;
    const seg = this.segments[this.segments.length - 1]!;
    appendFileSync(seg.file, line);
    seg.lastSeq = seq;
    this.segmentSize += Buffer.byteLength(line);
    for (const [k, v] of Object.entries(counters)) this.counters.set(k, v);
    this.pending.push({ seq, subject, msgId, data, events });
    this.pendingEvents += events;
    return true;
  }

  /** Unacknowledged entries `from`..`to` (exclusive) in order; 0 is the oldest. */
  peek(to: number, from = 0): JournalEntry[] {
    return this.pending.slice(from, to);
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
    const line = `s\t${JSON.stringify(Object.fromEntries(this.counters))}\n`;
    writeFileSync(file, line);
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
      // Only a segment's last line can be torn (appends are sequential), so only it is parsed to check.
      let last = lines.length - 1;
      while (last >= 0 && !lines[last]) last--;
      for (let i = 0; i <= last; i++) {
        const line = lines[i]!;
        if (!line) continue;
        const parts = line.split('\t');
        try {
          if (parts[0] === 's') {
            for (const [k, v] of Object.entries(JSON.parse(parts[1]!) as Record<string, number>)) this.counters.set(k, v);
            continue;
          }
          if (parts[0] !== 'b' || parts.length < 7) throw new Error('short line');
          const seq = Number(parts[1]);
          const counters = JSON.parse(parts[5]!) as Record<string, number>;
          const data = parts.slice(6).join('\t');
          if (i === last) JSON.parse(data); // a torn payload must not be sent
          for (const [k, v] of Object.entries(counters)) this.counters.set(k, v);
          seg.lastSeq = seq;
          this.nextSeq = Math.max(this.nextSeq, seq + 1);
          if (seq > this.acked) {
            const events = Number(parts[4]);
            this.pending.push({ seq, subject: parts[2]!, msgId: parts[3]!, data, events });
            this.pendingEvents += events;
          }
        } catch {
          skipped++;
        }
      }
      this.segments.push(seg);
    }
    // Appends go to a fresh segment, so a torn tail line is never followed by good ones in the same file.
    if (this.segments.length > 0) this.startSegment();
    return skipped;
  }
}
