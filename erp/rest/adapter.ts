import type { z } from 'zod';
import {
  ErpPeriodClosed,
  ErpRejected,
  ErpReplyUnreadable,
  ErpUnavailable,
  type ConfirmationRequest,
  type DowntimeRequest,
  type ErpAdapter,
  type ErpDocument,
  type ErpDowntime,
  type ErpPosting,
  type GoodsMovementRequest,
  type PostingKind,
  type QualityNotificationRequest,
} from '../../contracts/erp-port.js';
import { Posting, PostingList } from '../../contracts/messages/erp-rest.js';
import { describeIssues } from '../../contracts/parse.js';
import { callSignal } from '../attempt-deadline.js';
import { signRequest } from './hmac.js';

export interface RestErpConfig {
  baseUrl: string;
  /** Shared secret for HMAC request signing; unsigned when absent (the built-in simulator). */
  hmacSecret?: string;
  /** Where the ERP takes each call; the defaults are the built-in simulator's routes. */
  paths?: Partial<RestErpPaths>;
  /** Kept below the activity's start-to-close timeout so attempts never overlap. */
  timeoutMs?: number;
  /** Milliseconds after a request ended in which the ERP may still commit it (`ErpAdapter.commitWindowMs`); 0 by default. */
  commitWindowMs?: number;
}

export interface RestErpPaths {
  confirmations: string;
  /** `{document}` is replaced by the confirmation's document number. */
  cancelConfirmation: string;
  goodsMovements: string;
  qualityNotifications: string;
  downtime: string;
  postings: string;
}

const DEFAULT_PATHS: RestErpPaths = {
  confirmations: '/api/confirmations',
  cancelConfirmation: '/api/confirmations/{document}/cancel',
  goodsMovements: '/api/goods-movements',
  qualityNotifications: '/api/quality-notifications',
  downtime: '/api/downtime',
  postings: '/api/postings',
};

/**
 * A generic REST/JSON ERP: the port's requests (`contracts/erp-port.ts`) as JSON bodies, answered with a `Posting`
 * (`contracts/messages/erp-rest.ts`, the REST ERP's wire), at configurable URLs, every request
 * HMAC-signed. For an ERP reached through an integration layer (an iFlow, a connector) that speaks this contract;
 * the built-in simulator is the same adapter without a secret. The port's movement types (`MovementType`: 261, 262,
 * 101, 102) travel on this wire as they are; the integration layer maps them to its ERP's movements.
 */
export class RestErpAdapter implements ErpAdapter {
  readonly name: string = 'rest';
  private readonly paths: RestErpPaths;

  constructor(private readonly config: RestErpConfig) {
    this.paths = { ...DEFAULT_PATHS, ...config.paths };
  }

  get commitWindowMs(): number {
    return this.config.commitWindowMs ?? 0;
  }

  private async call<S extends z.ZodType>(method: string, path: string, schema: S, body?: unknown): Promise<z.output<S>> {
    const url = new URL(path, this.config.baseUrl);
    const text = body === undefined ? '' : JSON.stringify(body);
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    if (this.config.hmacSecret) Object.assign(headers, signRequest(this.config.hmacSecret, method, `${url.pathname}${url.search}`, text));
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body: body === undefined ? undefined : text, signal: callSignal(this.config.timeoutMs ?? 15_000) });
    } catch (err) {
      const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
      throw new ErpUnavailable(`ERP ${this.name} ${method} ${url.pathname}: no reply (${cause})`);
    }
    const reply = await res.text();
    const where = `ERP ${this.name} ${method} ${url.pathname}: HTTP ${res.status}`;
    // 401/403: a wrong secret or clock is fixed by an administrator; retry until then, visibly.
    if (res.status >= 500 || res.status === 401 || res.status === 403 || res.status === 429) throw new ErpUnavailable(`${where} ${reply.slice(0, 300)}`, { status: res.status, text: reply.slice(0, 300) });
    // A closed posting period is the one refusal the engine answers itself (erp/posting-period.ts): a problem titled
    // `PeriodClosed` (docs/erp-rest.md).
    if (res.status >= 400) throw new (problemTitle(reply) === 'PeriodClosed' ? ErpPeriodClosed : ErpRejected)(`${where} ${reply.slice(0, 500)}`, { status: res.status, text: reply.slice(0, 500) });
    let json: unknown;
    try {
      json = JSON.parse(reply);
    } catch {
      throw new ErpUnavailable(`ERP ${this.name} ${method} ${url.pathname}: reply is not JSON`);
    }
    const r = schema.safeParse(json);
    // A reply that does not match the contract reads the same on every retry: a refusal a person sees.
    if (!r.success) throw new ErpReplyUnreadable(`ERP ${this.name} ${method} ${url.pathname}`, describeIssues(r.error).map((i) => `${i.path}: ${i.message}`).join('; '), { status: res.status });
    return r.data;
  }

  /** Every document the ERP creates answers with a `Posting`; the port needs its number and key. */
  private async post(path: string, body: { postingKey: string }): Promise<ErpDocument> {
    const p = await this.call('POST', path, Posting, body);
    return { document: p.document, postingKey: p.postingKey };
  }

  private async postingsByKey(postingKey: string, kind?: PostingKind) {
    const q = `postingKey=${encodeURIComponent(postingKey)}${kind ? `&kind=${kind}` : ''}`;
    return (await this.call('GET', `${this.paths.postings}?${q}`, PostingList)).postings;
  }

  async findPostings(postingKey: string, kind?: PostingKind): Promise<ErpDocument[]> {
    return (await this.postingsByKey(postingKey, kind)).map((p) => ({ document: p.document, postingKey: p.postingKey }));
  }

  async cancelConfirmation(postingKey: string): Promise<ErpDocument | null> {
    const [conf] = await this.postingsByKey(postingKey, 'confirmation');
    if (!conf) return null;
    if (!conf.cancelled) await this.call('POST', this.paths.cancelConfirmation.replace('{document}', encodeURIComponent(conf.document)), Posting, {});
    return { document: conf.document, postingKey };
  }

  raiseQualityNotification(req: QualityNotificationRequest): Promise<ErpDocument> {
    return this.post(this.paths.qualityNotifications, req);
  }

  postDowntime(req: DowntimeRequest): Promise<ErpDocument> {
    return this.post(this.paths.downtime, req);
  }

  async listDowntime(plant: string): Promise<ErpDowntime[]> {
    const r = await this.call('GET', `${this.paths.postings}?kind=downtime&plant=${encodeURIComponent(plant)}`, PostingList);
    return r.postings.map((p) => ({
      document: p.document,
      reference: p.postingKey,
      machine: p.machine ?? null,
      costCenter: p.costCenter ?? null,
      state: (p.reason ?? null) as ErpDowntime['state'],
      startedAt: p.startedAt ?? null,
      endedAt: p.endedAt ?? null,
      durationMin: p.durationMin ?? '0',
      notificationType: p.notificationType ?? null,
      breakdown: p.breakdown ?? null,
    }));
  }

  postConfirmation(req: ConfirmationRequest): Promise<ErpDocument> {
    return this.post(this.paths.confirmations, req);
  }

  postGoodsMovement(req: GoodsMovementRequest): Promise<ErpDocument> {
    return this.post(this.paths.goodsMovements, req);
  }

  async listOrderPostings(erpOrderId: string): Promise<ErpPosting[]> {
    const r = await this.call('GET', `${this.paths.postings}?erpOrderId=${encodeURIComponent(erpOrderId)}`, PostingList);
    return r.postings.map((p) => ({
      document: p.document,
      reference: p.postingKey,
      kind: p.kind,
      yieldQty: p.yieldQty,
      scrapQty: p.scrapQty,
      isFinal: p.isFinal,
      movementType: p.movementType,
      // Additive: said only where the ERP sends them (contracts/messages/erp-rest.ts).
      ...(p.stockType != null ? { stockType: p.stockType } : {}),
      ...(p.operation != null ? { operation: p.operation } : {}),
      items: p.items ?? [],
      cancelled: p.cancelled ?? false,
      postingDate: p.postingDate ?? null,
    }));
  }
}

/** The `title` of an RFC 9457 problem body; undefined for any other body. */
function problemTitle(body: string): string | undefined {
  try {
    const title = (JSON.parse(body) as { title?: unknown }).title;
    return typeof title === 'string' ? title : undefined;
  } catch {
    return undefined;
  }
}
