import type { ConfirmationRequest, GoodsMovementItem, GoodsMovementRequest } from '../contracts/messages/erp-sim.js';

/** What the workflows need from any ERP; SAP S/4HANA, a generic REST ERP and the simulator sit behind it. */
export interface ErpAdapter {
  readonly name: string;
  /** Documents already posted under this key: how a retry learns that an earlier attempt committed. */
  findPostings(postingKey: string): Promise<ErpDocument[]>;
  postConfirmation(req: ConfirmationRequest): Promise<ErpDocument>;
  /**
   * Cancels the confirmation posted under this key, and only once: one already cancelled is answered with its
   * document, not cancelled again, so a retry after a lost reply is harmless. Null when the ERP holds no such
   * confirmation. A confirmation that carries no goods movements (ours never do) reverses none.
   */
  cancelConfirmation(postingKey: string): Promise<ErpDocument | null>;
  /** Movement types 261 (goods issue to order), 262 (its reversal), 101 (goods receipt from order) and 102 (its reversal). */
  postGoodsMovement(req: GoodsMovementRequest): Promise<ErpDocument>;
  /** Everything the ERP holds for an order, read from the ERP itself: reconciliation must not trust our ledger. */
  listOrderPostings(erpOrderId: string): Promise<ErpPosting[]>;
}

export interface ErpDocument {
  document: string;
  postingKey: string;
}

/** One document as the ERP holds it, in the port's vocabulary. */
export interface ErpPosting {
  document: string;
  /** The reference the ERP stored (the posting key, or its short form where the ERP field is short). */
  reference: string | null;
  kind: 'confirmation' | 'goods-movement';
  yieldQty: string | null;
  scrapQty: string | null;
  isFinal: boolean | null;
  movementType: string | null;
  items: GoodsMovementItem[];
  /** Cancelled in the ERP (for SAP: IsReversed / GoodsMovementIsCancelled); it no longer counts. */
  cancelled: boolean;
}

/** The ERP could not be reached or failed on its side: retry with backoff, for as long as it takes. */
export class ErpUnavailable extends Error {
  override readonly name = 'ErpUnavailable';
}

/** The ERP refused the posting on business grounds: retrying cannot help, a person must look. */
export class ErpRejected extends Error {
  override readonly name = 'ErpRejected';
}
