import type { z } from 'zod';
import {
  type ConfirmationRequest,
  type GoodsMovementRequest,
  Posting,
  PostingList,
} from '../../contracts/messages/erp-sim.js';
import { parseOrThrow } from '../../contracts/parse.js';
import { ErpRejected, ErpUnavailable, type ErpAdapter, type ErpDocument, type ErpPosting } from '../port.js';

export interface SimErpConfig {
  baseUrl: string;
  /** Kept below the activity's start-to-close timeout so attempts never overlap. */
  timeoutMs?: number;
}

/** Adapter for the built-in ERP simulator over its HTTP API. */
export class SimErpAdapter implements ErpAdapter {
  readonly name = 'sim';
  constructor(private readonly config: SimErpConfig) {}

  private async call<S extends z.ZodType>(method: string, path: string, schema: S, body?: unknown): Promise<z.output<S>> {
    const url = new URL(path, this.config.baseUrl);
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.config.timeoutMs ?? 15_000),
      });
    } catch (err) {
      const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
      throw new ErpUnavailable(`ERP simulator ${method} ${url.pathname}: no reply (${cause})`);
    }
    const text = await res.text();
    if (res.status >= 500) throw new ErpUnavailable(`ERP simulator ${method} ${url.pathname}: HTTP ${res.status} ${text.slice(0, 300)}`);
    if (res.status >= 400) throw new ErpRejected(`ERP simulator ${method} ${url.pathname}: HTTP ${res.status} ${text.slice(0, 500)}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ErpUnavailable(`ERP simulator ${method} ${url.pathname}: reply is not JSON`);
    }
    return parseOrThrow(schema, json, `ERP simulator reply to ${method} ${url.pathname}`);
  }

  async findPostings(postingKey: string): Promise<ErpDocument[]> {
    const r = await this.call('GET', `/api/postings?postingKey=${encodeURIComponent(postingKey)}`, PostingList);
    return r.postings.map((p) => ({ document: p.document, postingKey: p.postingKey }));
  }

  async postConfirmation(req: ConfirmationRequest): Promise<ErpDocument> {
    const p = await this.call('POST', '/api/confirmations', Posting, req);
    return { document: p.document, postingKey: p.postingKey };
  }

  async postGoodsMovement(req: GoodsMovementRequest): Promise<ErpDocument> {
    const p = await this.call('POST', '/api/goods-movements', Posting, req);
    return { document: p.document, postingKey: p.postingKey };
  }

  async listOrderPostings(erpOrderId: string): Promise<ErpPosting[]> {
    const r = await this.call('GET', `/api/postings?erpOrderId=${encodeURIComponent(erpOrderId)}`, PostingList);
    // The simulator has no cancellation: a 262 is its own document, so nothing here is ever `cancelled`.
    return r.postings.map((p) => ({
      document: p.document,
      reference: p.postingKey,
      kind: p.kind,
      yieldQty: p.yieldQty,
      scrapQty: p.scrapQty,
      isFinal: p.isFinal,
      movementType: p.movementType,
      items: p.items ?? [],
      cancelled: false,
    }));
  }
}
