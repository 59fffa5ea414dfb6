import { batchMsgId, MachineEvent as MachineEventSchema, MachineEventMessage, machineEventSubject, type MachineEvent } from '../contracts/messages/machine-event.js';
import type { CounterCommit, Journal } from './buffer/journal.js';
import { counterKey } from './tag-pipeline.js';

const MAX_BATCH = 500; // the contract's bound per message

export interface BatchOutcome {
  written: number;
  dropped: number;
  /** Events the shared contract refused (a producer bug): left out, the rest of their batch written. */
  refused: Array<{ eventId: string; error: string }>;
}

/** An event waiting for the flush, with its counter commit (counter and hold events). */
interface Queued {
  e: MachineEvent;
  commit?: CounterCommit;
}

/**
 * Collects events per subject (machine + kind) between flushes and writes them to the journal as
 * `MachineEventMessage`s. The batch is parsed against the shared contract here, so a producer bug fails in the
 * gateway and never reaches a consumer.
 *
 * Each line commits only the raws of the events it carries, each with its event's order (`CounterCommit.order`):
 * a counter event and a hold of the same counter travel in different subjects (lines), and a torn hold line must
 * take the hold's raw with it, or the restart would count from a raw whose hold nobody saw.
 */
export class Batcher {
  private groups = new Map<string, Queued[]>();
  /** Raws committed without an event (a 0-piece reset), written as one commit line at the flush. */
  private commits: Record<string, CounterCommit> = {};
  private hasCommits = false;
  /** Counter and hold events so far, in the order added: each one's commit order. */
  private order = 0;
  private size = 0;

  constructor(private readonly journal: Journal) {}

  get buffered(): number {
    return this.size;
  }

  /** `readWallMs`: for counter and hold events, when their raw was read (wall clock); absent, the journal's write time. */
  add(e: MachineEvent, readWallMs?: number): void {
    const subject = machineEventSubject(e);
    let g = this.groups.get(subject);
    if (!g) this.groups.set(subject, (g = []));
    const counter = e.kind === 'counter' || e.kind === 'hold';
    g.push(counter ? { e, commit: { raw: e.raw, wallMs: readWallMs ?? Date.now(), order: ++this.order } } : { e });
    this.size++;
  }

  /** Commits a counter's raw without an event (`key`: `counterKey`), in this flush. */
  commit(key: string, raw: number, readWallMs?: number): void {
    this.commits[key] = { raw, wallMs: readWallMs ?? Date.now(), order: ++this.order };
    this.hasCommits = true;
  }

  /**
   * Writes every group and syncs the journal (its fsync policy); events of kinds other than counter and hold are
   * dropped when the journal is full. An event the contract refuses is left out and reported; the others of its
   * batch are written (they were already taken from the pipelines and exist nowhere else).
   */
  flush(): BatchOutcome {
    const out: BatchOutcome = { written: 0, dropped: 0, refused: [] };
    const groups = this.groups;
    this.groups = new Map();
    this.size = 0;
    if (this.hasCommits) {
      this.journal.commit(this.commits);
      this.commits = {};
      this.hasCommits = false;
    }
    for (const [subject, queued] of groups) {
      for (let i = 0; i < queued.length; i += MAX_BATCH) {
        let part = queued.slice(i, i + MAX_BATCH);
        let parsed = MachineEventMessage.safeParse({ v: 1, events: part.map((q) => q.e) });
        if (!parsed.success) {
          part = this.valid(part, out);
          if (part.length === 0) continue;
          parsed = MachineEventMessage.safeParse({ v: 1, events: part.map((q) => q.e) });
          if (!parsed.success) throw parsed.error; // every event passed alone: a bug in this code, not in the data
        }
        const batch = parsed.data;
        const counters: Record<string, CounterCommit> = {};
        for (const q of part) if (q.commit) counters[counterKey(q.e, q.e.tag)] = q.commit;
        // Counter deltas and holds are pieces (counted or for a person to accept): never dropped for room.
        const kind = batch.events[0]!.kind;
        const ok = this.journal.append(subject, batchMsgId(batch), JSON.stringify(batch), batch.events.length, counters, kind === 'counter' || kind === 'hold');
        if (ok) out.written += batch.events.length;
        else out.dropped += batch.events.length;
      }
    }
    this.journal.sync();
    return out;
  }

  /** The events of a refused batch the contract accepts one by one; each refused one goes to `out.refused`. */
  private valid(part: Queued[], out: BatchOutcome): Queued[] {
    return part.filter((q) => {
      const r = MachineEventSchema.safeParse(q.e);
      if (!r.success) out.refused.push({ eventId: q.e.eventId, error: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      return r.success;
    });
  }
}
