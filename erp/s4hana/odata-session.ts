import type { z } from 'zod';
import { callSignal } from '../attempt-deadline.js';
import { ODataError } from '../../contracts/messages/sap-odata.js';
import { parseOrThrow } from '../../contracts/parse.js';
import { ErpRejected, ErpUnavailable } from '../../contracts/erp-port.js';

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
}

/**
 * One logical SAP Gateway session: authentication, the session cookie, and the CSRF token that SAP demands on every
 * modifying request. The token is fetched with `x-csrf-token: Fetch` on a GET and is bound to the session cookie;
 * when SAP says `403` with `x-csrf-token: Required` (token expired, session dropped) it is fetched again once.
 */
export class ODataSession {
  private readonly cookies = new Map<string, string>();
  private readonly csrf = new Map<string, string>();
  private bearer: { token: string; until: number } | undefined;

  constructor(private readonly conn: SapConnection) {}

  /** `service` is an OData v2 service name (`API_..._SRV`), or the root path of an OData v4 service (`/sap/opu/odata4/...`). */
  private url(service: string, path: string): URL {
    const root = service.startsWith('/') ? service : `/sap/opu/odata/sap/${service}`;
    const url = new URL(`${root}/${path}`, this.conn.baseUrl);
    if (this.conn.client) url.searchParams.set('sap-client', this.conn.client);
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
    if (!res.ok || !body.access_token) throw new ErpUnavailable(`SAP OAuth token endpoint: HTTP ${res.status}`);
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

  private async send(method: string, service: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', authorization: await this.authorization() };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (method === 'GET' && !this.csrf.has(service)) headers['x-csrf-token'] = 'Fetch';
    if (method !== 'GET') headers['x-csrf-token'] = this.csrf.get(service) ?? (await this.fetchCsrf(service));
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await this.fetch(this.url(service, path), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      if (eq > 0) this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
    const token = res.headers.get('x-csrf-token');
    if (token && token.toLowerCase() !== 'required') this.csrf.set(service, token);
    return res;
  }

  private async fetchCsrf(service: string): Promise<string> {
    this.csrf.delete(service);
    const res = await this.send('GET', service, '');
    await res.arrayBuffer();
    const token = this.csrf.get(service);
    if (!token) throw new ErpUnavailable(`SAP ${service}: no CSRF token (HTTP ${res.status})`);
    return token;
  }

  async request<S extends z.ZodType>(method: 'GET' | 'POST', service: string, path: string, schema: S, body?: unknown): Promise<z.output<S>> {
    let res = await this.send(method, service, path, body);
    if (res.status === 403 && res.headers.get('x-csrf-token')?.toLowerCase() === 'required') {
      await res.arrayBuffer();
      await this.fetchCsrf(service);
      res = await this.send(method, service, path, body);
    }
    const text = await res.text();
    const where = `SAP ${method} ${service}/${path.split('?')[0]}`;
    if (!res.ok) throw mapError(where, res.status, text);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // Without Accept: application/json SAP answers Atom XML; a proxy's HTML error page lands here too.
      throw new ErpUnavailable(`${where}: reply is not JSON (${res.headers.get('content-type') ?? 'no content type'})`);
    }
    return parseOrThrow(schema, json, `${where} reply`);
  }
}

/** SAP's own words in the error: `message.value` of the OData error body, with its message class and number. */
function mapError(where: string, status: number, text: string): Error {
  let said = text.slice(0, 300);
  try {
    const e = ODataError.parse(JSON.parse(text)).error;
    said = `${typeof e.message === 'string' ? e.message : e.message.value} (${e.code})`;
  } catch {
    // Not an OData error body (gateway HTML, empty): keep the raw text.
  }
  const message = `${where}: HTTP ${status}: ${said}`;
  // 401/403 are credentials or business roles: an administrator fixes them, so retry until they do, visibly.
  if (status >= 500 || status === 401 || status === 403 || status === 408 || status === 429) return new ErpUnavailable(message);
  return new ErpRejected(message);
}
