import type { GoodsMovementItem } from '../contracts/erp-port.js';
import { WorkOrderCounts, type CountsCarry } from './work-order-counts.js';

/** The postings' part of what a work order carries across continue-as-new. */
export interface LedgerCarry {
  // Added with the backflush saga; absent in carries of older runs.
  confirmedGood?: number;
  confirmedScrap?: number;
  nextPostingSeq?: number;
  // Added with cancellation; absent in carries of older runs.
  standing?: StandingPosting[];
  standingComplete?: boolean;
  // Added with blocked stock; absent in carries of older runs.
  receivedAhead?: number;
}

/**
 * A posting the order has in the ERP, kept so a cancellation can take it back: a backflush (261), a confirmation, a
 * goods receipt (101), and for held units a receipt into blocked stock (101 blocked) or a transfer into it of units
 * released ahead (344), their release (343) or their withdrawal for scrapping (555).
 */
export interface StandingPosting {
  kind: 'goods-issue' | 'confirmation' | 'goods-receipt' | 'blocked-receipt' | 'blocked-transfer' | 'blocked-release' | 'blocked-scrap';
  seq: number;
  /** The movement's items (empty for a confirmation): its reversal carries the same. */
  items: GoodsMovementItem[];
  /** The confirmation's yield and scrap (0 for a movement): cancelling it takes them off what is confirmed. */
  yieldQty: number;
  scrapQty: number;
}

/** Posting 1 is the final confirmation (as in the first release); every other posting numbers from 2 on. */
export const FINAL_CONFIRMATION_SEQ = 1;

/**
 * What a work order has in the ERP: what is confirmed, the postings that stand (for a cancellation to take back), the
 * next posting sequence, and the yield of the confirmation being posted. The phase builds on it in WorkOrderState.
 */
export class WorkOrderLedger extends WorkOrderCounts {
  confirmationDocument: string | null = null;
  /** Yield and scrap the ERP has confirmed, partials and final. */
  confirmedGood: number;
  confirmedScrap: number;
  /** Next posting sequence: postings are numbered in workflow state, so a key never depends on runId or attempt. */
  nextPostingSeq: number;
  /** What stands in the ERP for this order, in posting order; a cancellation takes it back from the last. */
  standing: StandingPosting[];
  /**
   * False for an order whose earlier runs posted before `standing` was kept: its list misses those documents, so a
   * cancellation could not take them back and is refused once anything is confirmed.
   */
  standingComplete: boolean;
  /** Yield of the confirmation being posted right now: neither confirmable again nor holdable until it is decided. */
  postingYield = 0;
  /**
   * Units in unrestricted stock before their confirmation: released from blocked stock (343). The next confirmations'
   * goods receipts leave them out, so no unit is received twice.
   */
  receivedAhead: number;

  constructor(carry?: CountsCarry & LedgerCarry) {
    super(carry);
    this.confirmedGood = carry?.confirmedGood ?? 0;
    this.confirmedScrap = carry?.confirmedScrap ?? 0;
    this.nextPostingSeq = carry?.nextPostingSeq ?? FINAL_CONFIRMATION_SEQ + 1;
    this.standing = carry?.standing ?? [];
    this.standingComplete = carry === undefined || (carry.standing !== undefined && carry.standingComplete !== false);
    this.receivedAhead = carry?.receivedAhead ?? 0;
  }

  allocatePostingSeq(): number {
    return this.nextPostingSeq++;
  }

  /** The confirmation being posted is decided, posted or not: its yield is confirmable (or confirmed) again. */
  endReservation(): void {
    this.postingYield = 0;
  }

  /** A confirmation stands in the ERP, after the backflush that landed with it. */
  confirmed(seq: number, yieldQty: number, scrapQty: number, landed: StandingPosting[], document: string): void {
    this.confirmedGood += yieldQty;
    this.confirmedScrap += scrapQty;
    this.standing.push(...landed, { kind: 'confirmation', seq, items: [], yieldQty, scrapQty });
    this.confirmationDocument = document;
  }

  /**
   * A goods receipt stands in the ERP (to unrestricted stock, or `blocked-receipt` to blocked stock), or a transfer of
   * units received ahead into blocked stock (`blocked-transfer`, 344).
   */
  received(seq: number, items: GoodsMovementItem[], kind: 'goods-receipt' | 'blocked-receipt' | 'blocked-transfer' = 'goods-receipt'): void {
    this.standing.push({ kind, seq, items, yieldQty: 0, scrapQty: 0 });
  }

  /**
   * Of a confirmation's `yieldQty`, what its goods receipt posts: the units not received ahead (released from blocked
   * stock). Taken from `receivedAhead` at once, so the decision is made once, before the receipt is posted.
   */
  receiptOf(yieldQty: number): number {
    const ahead = Math.min(yieldQty, this.receivedAhead);
    this.receivedAhead -= ahead;
    return yieldQty - ahead;
  }

  /** The last standing posting, the next a cancellation takes back. */
  get lastStanding(): StandingPosting | undefined {
    return this.standing.at(-1);
  }

  /** The last standing posting was taken back in the ERP: it no longer counts as confirmed. */
  tookBack(): void {
    const p = this.standing.pop();
    if (!p) return;
    this.confirmedGood -= p.yieldQty;
    this.confirmedScrap -= p.scrapQty;
  }
}
