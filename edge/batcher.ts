import { batchMsgId, MachineEventMessage, machineEventSubject, type MachineEvent } from '../contracts/messages/machine-event.js';
import type { CommittedCounter, Journal } from './buffer/journal.js';
import { counterKey } from './tag-pipeline.js';

const MAX_BATCH = 500; // the contract's bound per message

export interface BatchOutcome {
  written: number;
  dropped: number;
}

/**
 * Collects events per subject (machine + kind) between flushes and writes them to the journal as
 * `MachineEventMessage`s. The batch is parsed against the shared contract here, so a producer bug fails in the
 * gateway and never reaches a consumer.
 */
export class Batcher {
  private groups = new Map<string, MachineEvent[]>();
  /**
   * Each counter's newest raw in the order events were added: a hold's raw follows the counter event before it,
   * and they travel in different subjects (groups), so a group's own last raw is not always the newest.
   */
  private latestRaw = new Map<string, CommittedCounter>();
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
    g.push(e);
    if (e.kind === 'counter' || e.kind === 'hold') this.latestRaw.set(counterKey(e, e.tag), { raw: e.raw, wallMs: readWallMs ?? Date.now() });
    this.size++;
  }

  /**
   * Writes every group and syncs the journal (its fsync policy); events of kinds other than counter and hold are
   * dropped when the journal is full.
   */
  flush(): BatchOutcome {
    const out = { written: 0, dropped: 0 };
    const groups = this.groups;
    const latest = this.latestRaw;
    this.groups = new Map();
    this.latestRaw = new Map();
    this.size = 0;
    for (const [subject, events] of groups) {
      for (let i = 0; i < events.length; i += MAX_BATCH) {
        const batch = MachineEventMessage.parse({ v: 1, events: events.slice(i, i + MAX_BATCH) });
        const counters: Record<string, CommittedCounter> = {};
        for (const e of batch.events) {
          if (e.kind !== 'counter' && e.kind !== 'hold') continue;
          const key = counterKey(e, e.tag);
          counters[key] = latest.get(key)!;
        }
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
}
