import type { ConfirmationRequest, GoodsMovementRequest } from '../contracts/messages/erp-sim.js';

/** What the workflows need from any ERP; SAP S/4HANA, a generic REST ERP and the simulator sit behind it. */
export interface ErpAdapter {
  readonly name: string;
  /** Documents already posted under this key: how a retry learns that an earlier attempt committed. */
  findPostings(postingKey: string): Promise<ErpDocument[]>;
  postConfirmation(req: ConfirmationRequest): Promise<ErpDocument>;
  postGoodsMovement(req: GoodsMovementRequest): Promise<ErpDocument>;
}

export interface ErpDocument {
  document: string;
  postingKey: string;
}

/** The ERP could not be reached or failed on its side: retry with backoff, for as long as it takes. */
export class ErpUnavailable extends Error {
  override readonly name = 'ErpUnavailable';
}

/** The ERP refused the posting on business grounds: retrying cannot help, a person must look. */
export class ErpRejected extends Error {
  override readonly name = 'ErpRejected';
}
