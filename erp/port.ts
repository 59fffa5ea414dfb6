import type {
  ConfirmationRequest,
  DowntimeRequest,
  DowntimeState,
  GoodsMovementItem,
  GoodsMovementRequest,
  PostingKind,
  QualityNotificationRequest,
} from '../contracts/messages/erp-sim.js';

/** What the workflows need from any ERP; SAP S/4HANA, a generic REST ERP and the simulator sit behind it. */
export interface ErpAdapter {
  readonly name: string;
  /**
   * Documents already posted under this key: how a retry learns that an earlier attempt committed. With `kind`, an
   * adapter may look in that one place only (SAP: one service instead of all); without it, it looks everywhere.
   */
  findPostings(postingKey: string, kind?: PostingKind): Promise<ErpDocument[]>;
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
  /** Opens a quality notification in the ERP for a quantity of material that is not right. */
  raiseQualityNotification(req: QualityNotificationRequest): Promise<ErpDocument>;
  /** Records one interval in which a machine did not run, against the cost center of its line. */
  postDowntime(req: DowntimeRequest): Promise<ErpDocument>;
  /** The downtime records the ERP holds for a plant, read from the ERP itself (for reconciliation and tests). */
  listDowntime(plant: string): Promise<ErpDowntime[]>;
}

/** One downtime record as the ERP holds it. */
export interface ErpDowntime {
  document: string;
  reference: string | null;
  machine: string | null;
  /** Null when the ERP does not keep the cost center on the record itself. */
  costCenter: string | null;
  state: DowntimeState | null;
  startedAt: string | null;
  endedAt: string | null;
  durationMin: string;
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
  kind: PostingKind;
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
