import type { ProductionCount, ProductionCountBatch } from '../contracts/messages/production-count.js';
import { SEEN_IDS_LIMIT, SeenIds } from './seen-ids.js';

/** The counts' part of what a work order carries across continue-as-new. */
export interface CountsCarry {
  good: number;
  scrap: number;
  eventsApplied: number;
  duplicatesDropped: number;
  seenIds: string[];
}

/**
 * What a work order counted, each event id once: good and scrap, the dedupe window, and counts that came after the
 * order stopped taking them. The phase and the postings build on it in WorkOrderState.
 */
export class WorkOrderCounts {
  good: number;
  scrap: number;
  eventsApplied: number;
  duplicatesDropped: number;
  /** Counts that arrived after the order stopped taking them; the workflow hands them to unassigned production. */
  lateCounts: ProductionCount[] = [];
  /** Events applied since this run started: the test threshold for continue-as-new counts these. */
  eventsThisRun = 0;
  private readonly seen: SeenIds;

  constructor(carry?: CountsCarry) {
    this.good = carry?.good ?? 0;
    this.scrap = carry?.scrap ?? 0;
    this.eventsApplied = carry?.eventsApplied ?? 0;
    this.duplicatesDropped = carry?.duplicatesDropped ?? 0;
    this.seen = new SeenIds(carry?.seenIds, SEEN_IDS_LIMIT);
  }

  /** Applies a batch once per event id; when the order takes no counts, new ones are kept aside, never dropped. */
  protected count(batch: ProductionCountBatch, accepted: boolean): void {
    if (!accepted) {
      for (const e of batch.events) if (this.seen.add(e.eventId)) this.lateCounts.push(e);
      return;
    }
    for (const e of batch.events) {
      if (!this.seen.add(e.eventId)) {
        this.duplicatesDropped += 1;
        continue;
      }
      this.good += e.good;
      this.scrap += e.scrap;
      this.eventsApplied += 1;
      this.eventsThisRun += 1;
    }
  }

  /** The late counts gathered so far, handed over once. */
  takeLateCounts(): ProductionCount[] {
    return this.lateCounts.splice(0);
  }

  /** The remembered event ids (hashed), oldest first, for continue-as-new. */
  protected seenIds(): string[] {
    return this.seen.toArray();
  }
}
