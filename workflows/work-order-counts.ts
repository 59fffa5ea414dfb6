import type { ProductionDeltas } from '../contracts/messages/outbox-delta.js';
import type { ProductionCount, ProductionCountBatch } from '../contracts/messages/production-count.js';
import { outboxRangeCountId } from './definitions.js';
import { HighWater, type HighWaterCarry, type RangeVerdict } from './high-water.js';

export type { RangeVerdict };
import { SEEN_IDS_LIMIT, SeenIds } from './seen-ids.js';

/** The counts' part of what a work order carries across continue-as-new. */
export interface CountsCarry {
  good: number;
  scrap: number;
  eventsApplied: number;
  duplicatesDropped: number;
  /** Ids of counts that came one by one (`productionCounts`: older histories, assigned unassigned production). */
  seenIds: string[];
  /** Outbox high-water marks per source; absent in carries of runs that never got a delta. */
  highWater?: HighWaterCarry;
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
  protected readonly highWater: HighWater;

  constructor(carry?: CountsCarry) {
    this.good = carry?.good ?? 0;
    this.scrap = carry?.scrap ?? 0;
    this.eventsApplied = carry?.eventsApplied ?? 0;
    this.duplicatesDropped = carry?.duplicatesDropped ?? 0;
    this.seen = new SeenIds(carry?.seenIds, SEEN_IDS_LIMIT);
    this.highWater = new HighWater(carry?.highWater);
  }

  /**
   * Applies an outbox range once (the bridge already dropped repeated event ids). When the order takes no counts,
   * each machine's pieces are kept aside under an id of the range (`outboxRangeCountId`), the same id the relay
   * gives them when the order is gone, so unassigned production holds them once whoever records them.
   */
  protected countDelta(d: ProductionDeltas, accepted: boolean, workflowId: string): RangeVerdict {
    const verdict = this.highWater.take(d.source, d.fromSeq, d.toSeq);
    if (verdict !== 'apply') return verdict;
    if (!accepted) {
      for (const m of d.machines)
        if (m.good + m.scrap > 0)
          this.lateCounts.push({ eventId: outboxRangeCountId(workflowId, d.fromSeq, d.toSeq, m.machine), machine: m.machine, sourceTime: m.lastSourceTime, good: m.good, scrap: m.scrap });
      return verdict;
    }
    for (const m of d.machines) {
      this.good += m.good;
      this.scrap += m.scrap;
      this.eventsApplied += m.events;
      this.eventsThisRun += m.events;
    }
    this.duplicatesDropped += d.duplicatesDropped;
    return verdict;
  }

  /** The outbox high-water marks (source -> last seq applied); absent when no delta ever came. */
  appliedThrough(): HighWaterCarry | undefined {
    return this.highWater.carry();
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
