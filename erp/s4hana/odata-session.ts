import type { z } from 'zod';
import { callSignal } from '../attempt-deadline.js';
import { describeIssues } from '../../contracts/parse.js';
import { ErpReplyUnreadable, ErpUnavailable } from '../../contracts/erp-port.js';
import { sapError } from './sap-errors.js';
import type { SapMessageOverrides } from './sap-messages.js';

export type SapAuth =
  | { kind: 'basic'; user: string; password: string }
  | { kind: 'oauth'; tokenUrl: string; clientId: string; clientSecret: string };

export interface SapConnection {
  /** Host root, e.g. `https://my300000-api.s4hana.cloud.sap`; service paths are `/sap/opu/odata/sap/<SERVICE>/`. */
  baseUrl: string;
  /** The `sap-client` (Mandant); omitted when the system has one default client. */
  client?: string;
  auth: SapAuth;
  /** Kept below the activity's start-to-close timeout so attempts never overlap. */
  timeoutMs?: number;
  /** The plant's own judgement of SAP message ids, before the catalogue (`sap-messages.ts`): `{ "ZPP/001": "transient" }`. */
  messages?: SapMessageOverrides;
  /**
   * Milliseconds after a request ended on our side in which SAP may still commit it (a work process runs on after
   * the client gave up, up to the system's maximum dialog runtime). A retry's look-up waits that long after the last
   * post of its key ended (`erp/post-once.ts`). 0: SAP commits before it answers or never (the test double without
   * late commits).
   */
  commitWindowMs?: number;
  /**
   * The language every request runs in (`sap-language` and Accept-Language), ISO 639-1 like `EN`. Pinned, so
   * commercial unit codes mean the same whatever the communication user's logon language is (piece is PC in English,
   * ST in German). `EN` when absent.
   */
  language?: string;
  /**
   * MES unit -> SAP's ISO code and its commercial code in `language`, from the plant file's `erpUnits`
   * (erp/s4hana/units.ts). A unit without an entry is sent as it is, as the commercial code.
   */
  units?: Record<string, { iso: string; commercial: string }>;
}

/** The session cookie header and the CSRF token SAP issued to that session: always sent together. */
interface CsrfPair {
  token: string;
  cookie: string;
}

/**
 * One logical SAP Gateway session: authentication, the session cookie, and the CSRF token that SAP demands on every
 * modifying request. The token is fetched with `x-csrf-token: Fetch` on a GET and belongs to the session whose
 * cookie came with it: a modifying request sends that token with that cookie, never a token with another session's
 * cookie (SAP answers 403 "CSRF token validation failed"). One fetch per service is shared by every request waiting
 * for it, so concurrent posts open one session, not one each. When SAP says `403` with `x-csrf-token: Required`
 * (token expired, session dropped) the token is fetched again once, by the first request that saw the refusal.
 */
export class ODataSession {
  /** The latest cookies SAP set, for reads; modifying requests use their token's own (`CsrfPair`). */
  private readonly cookies = new Map<string, string>();
  private readonly csrf = new Map<string, Promise<CsrfPair>>();
  private bearer: { token: string; until: number } | undefined;

  constructor(private readonly conn: SapConnection) {}

  get commitWindowMs(): number {
    return this.conn.commitWindowMs ?? 0;
  }

  /** The pinned request language (SapConnection.language), upper case. */
  get language(): string {
    return (this.conn.language ?? 'EN').toUpperCase();
  }

  /** `service` is an OData v2 service name (`API_..._SRV`), or the root path of an OData v4 service (`/sap/opu/odata4/...`). */
  private url(service: string, path: string): URL {
    const root = service.startsWith('/') ? service : `/sap/opu/odata/sap/${service}`;
    const url = new URL(`${root}/${path}`, this.conn.baseUrl);
    if (this.conn.client) url.searchParams.set('sap-client', this.conn.client);
    url.searchParams.set('sap-language', this.language);
    return url;
  }

  private async authorization(): Promise<string> {
    const a = this.conn.auth;
    if (a.kind === 'basic') return `Basic ${Buffer.from(`${a.user}:${a.password}`).toString('base64')}`;
    if (this.bearer && this.bearer.until > Date.now()) return `Bearer ${this.bearer.token}`;
    const res = await this.fetch(new URL(a.tokenUrl), {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${a.clientId}:${a.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number };
    if (!res.ok || !body.access_token) throw new ErpUnavailable(`SAP OAuth token endpoint: HTTP ${res.status}`, { status: res.status });
    // Renew a minute early, so a token never expires between our check and SAP's.
    this.bearer = { token: body.access_token, until: Date.now() + ((body.expires_in ?? 600) - 60) * 1000 };
    return `Bearer ${this.bearer.token}`;
  }

  private async fetch(url: URL, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: callSignal(this.conn.timeoutMs ?? 15_000) });
    } catch (err) {
      const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
      throw new ErpUnavailable(`SAP ${init.method ?? 'GET'} ${url.pathname}: no reply (${cause})`);
    }
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /**
   * Sends one request with `cookie` (reads: the latest; modifying requests: their token's) and keeps the cookies SAP
   * sets. `session` is the cookie header of the session this answer belongs to: the one sent, with what this answer
   * set, whatever other answers set meanwhile.
   */
  private async send(method: string, service: string, path: string, extra: Record<string, string>, cookie: string, body?: unknown): Promise<{ res: Response; session: string }> {
    const headers: Record<string, string> = { accept: 'application/json', 'accept-language': this.language.toLowerCase(), authorization: await this.authorization(), ...extra };
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await this.fetch(this.url(service, path), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const session = new Map(cookie ? cookie.split('; ').map((c) => [c.slice(0, c.indexOf('=')), c.slice(c.indexOf('=') + 1)] as const) : []);
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      if (eq <= 0) continue;
      const [name, value] = [pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim()];
      this.cookies.set(name, value);
      session.set(name, value);
    }
    return { res, session: [...session].map(([k, v]) => `${k}=${v}`).join('; ') };
  }

  /** The token of this service and the cookie of its session; fetched once, shared by every request that waits. */
  private token(service: string): Promise<CsrfPair> {
    let pair = this.csrf.get(service);
    if (!pair) {
      pair = this.fetchCsrf(service);
      this.csrf.set(service, pair);
      // A failed fetch is not kept: the next request fetches again.
      pair.catch(() => this.csrf.get(service) === pair && this.csrf.delete(service));
    }
    return pair;
  }

  /** After SAP refused `stale`: the first request to see the refusal fetches anew, the others wait for its fetch. */
  private async renewToken(service: string, stale: CsrfPair): Promise<CsrfPair> {
    const current = this.csrf.get(service);
    if (current && (await current.catch(() => undefined)) !== stale) return this.token(service);
    if (this.csrf.get(service) === current) this.csrf.delete(service);
    return this.token(service);
  }

  private async fetchCsrf(service: string): Promise<CsrfPair> {
    const { res, session } = await this.send('GET', service, '', { 'x-csrf-token': 'Fetch' }, this.cookieHeader());
    await res.arrayBuffer();
    const token = res.headers.get('x-csrf-token');
    if (!res.ok || !token || token.toLowerCase() === 'required')
      throw new ErpUnavailable(`SAP ${service}: no CSRF token (HTTP ${res.status})`, { status: res.status });
    // The token belongs to the session of this answer (a new one if SAP opened it now), not to whatever cookie a
    // concurrent read brought back meanwhile.
    return { token, cookie: session };
  }

  async request<S extends z.ZodType>(method: 'GET' | 'POST', service: string, path: string, schema: S, body?: unknown): Promise<z.output<S>> {
    let res: Response;
    if (method === 'GET') ({ res } = await this.send(method, service, path, {}, this.cookieHeader()));
    else {
      let pair = await this.token(service);
      ({ res } = await this.send(method, service, path, { 'x-csrf-token': pair.token }, pair.cookie, body));
      if (res.status === 403 && res.headers.get('x-csrf-token')?.toLowerCase() === 'required') {
        await res.arrayBuffer();
        pair = await this.renewToken(service, pair);
        ({ res } = await this.send(method, service, path, { 'x-csrf-token': pair.token }, pair.cookie, body));
      }
    }
    const text = await res.text();
    const where = `SAP ${method} ${service}/${path.split('?')[0]}`;
    if (!res.ok) throw sapError(where, res.status, text, this.conn.messages);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // Without Accept: application/json SAP answers Atom XML; a proxy's HTML error page lands here too.
      throw new ErpUnavailable(`${where}: reply is not JSON (${res.headers.get('content-type') ?? 'no content type'})`, { status: res.status });
    }
    const r = schema.safeParse(json);
    if (!r.success) {
      const problem = describeIssues(r.error).map((i) => `${i.path}: ${i.message}`).join('; ');
      throw new ErpReplyUnreadable(where, problem, { status: res.status });
    }
    return r.data;
  }
}
