import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { FaultPlan } from '../../contracts/messages/erp-sim.js';
import {
  CONFIRMATION_SERVICE,
  MAINT_NOTIFICATION_SERVICE,
  MATERIAL_DOCUMENT_SERVICE,
  MaintenanceNotificationCreate,
  MaterialDocumentHeaderCreate,
  ProdnOrdConf2Create,
  QUALITY_NOTIFICATION_SERVICE_V4,
  QualityNotificationCreate,
} from '../../contracts/messages/sap-odata.js';
import { describeIssues } from '../../contracts/parse.js';
import { installFaults, postWithFaults, type FaultHttpOptions } from '../erp/fault-http.js';
import type { FaultInjector } from '../erp/faults.js';
import { registerProductionOrders } from './production-orders.js';
import { parseKeyPredicate, renderEntity, type EntityType } from './render.js';
import { SapBusinessError, SapStore, type MaterialDocumentRow } from './store.js';
import { internalUnit, localize, requestLanguage, type SapLanguage } from './units.js';

export interface SapDoubleOptions {
  user: string;
  password: string;
  /** The one client (Mandant) this system has; requests for another fail logon, as SAP's do. */
  client: string;
  faults?: Partial<FaultPlan>;
  logger?: boolean;
  /**
   * The communication user's logon language (SU01): the language of commercial unit codes unless a request names
   * its own (`sap-language`, Accept-Language). English when absent.
   */
  logonLanguage?: SapLanguage;
}

const ROOT = '/sap/opu/odata/sap';
/** Every OData call, v2 (`/sap/opu/odata/`) and v4 (`/sap/opu/odata4/`). */
const ODATA = '/sap/opu/';
const isV4 = (url: string) => url.startsWith('/sap/opu/odata4/');

/**
 * SAP's error body: v2 `message: { lang, value }` with `innererror` (its `errordetails` repeat the message with
 * its severity, as SAP Gateway does for application messages), v4 `message` as text with `details`.
 */
const odataError = (reply: FastifyReply, status: number, code: string, value: string) =>
  reply
    .code(status)
    .type('application/json')
    .send(
      isV4(reply.request.url)
        ? { error: { code, message: value, details: [] } }
        : {
            error: {
              code,
              message: { lang: 'en', value },
              innererror: {
                transactionid: randomBytes(16).toString('hex').toUpperCase(),
                errordetails: [{ code, message: value, propertyref: '', severity: 'error', target: '', transition: false }],
              },
            },
          },
    );

/** An SAP message the double answers with on the next matching requests, before anything else is done. */
export interface QueuedSapError {
  /** Entity set or function import the request goes to, e.g. `A_MaterialDocumentHeader`; every POST when absent. */
  path?: string;
  status: number;
  /** SAP's message id `<class>/<number>`, e.g. `M3/897`. */
  code: string;
  text: string;
  /** How many requests get it. */
  times: number;
}

const faultHttp: FaultHttpOptions = {
  prefix: ODATA,
  unavailable: (reply, why) => odataError(reply, 503, '/IWFND/CM_BEC/026', `Service unavailable: ${why}`),
};

/**
 * A test double of SAP S/4HANA's OData v2 APIs for production order confirmations and material documents, written
 * from SAP's API reference (entity and field names, JSON envelopes, error bodies, function imports) rather than from
 * our adapter. It enforces what a real system enforces on the wire: basic auth, `sap-client`, the CSRF token bound
 * to the session cookie on every modifying request, Atom XML unless JSON is asked for, and field lengths. Faults come
 * from the same injector as the built-in ERP simulator.
 */
export interface SapDouble {
  faults: FaultInjector;
  store: SapStore;
  expireCsrfTokens(): void;
  /** Answers the next `times` POSTs (to `path`, if given) with this SAP error and commits nothing. */
  queueError(e: QueuedSapError): void;
  /** CSRF token fetches answered, and modifying requests refused for their token (403 Required), since start. */
  readonly csrf: { fetches: number; refusals: number };
}

export function buildSapDouble(opts: SapDoubleOptions): FastifyInstance & SapDouble {
  const app = Fastify({ logger: opts.logger ?? false });
  // Only the admin routes use zod schemas; OData bodies are checked in the handlers so errors come back as SAP's.
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const store = new SapStore();
  // session cookie value -> CSRF token
  const sessions = new Map<string, string | undefined>();
  const cookieName = `SAP_SESSIONID_S4H_${opts.client}`;
  const faults = installFaults(app, opts.faults, faultHttp);
  const counts = { fetches: 0, refusals: 0 };
  const queued: QueuedSapError[] = [];

  const session = (req: FastifyRequest) => {
    const m = new RegExp(`${cookieName}=([^;]+)`).exec(req.headers.cookie ?? '');
    return m && sessions.has(m[1]!) ? m[1]! : undefined;
  };

  app.addHook('preHandler', async (req, reply) => {
    if (!req.url.startsWith(ODATA)) return;
    const auth = req.headers.authorization ?? '';
    const expected = `Basic ${Buffer.from(`${opts.user}:${opts.password}`).toString('base64')}`;
    const client = (req.query as Record<string, string | undefined>)['sap-client'];
    if (auth !== expected || (client !== undefined && client !== opts.client))
      return reply.code(401).header('www-authenticate', 'Basic realm="SAP NetWeaver Application Server"').send('Logon failed');
    let sid = session(req);
    if (!sid) {
      sid = randomBytes(16).toString('hex');
      sessions.set(sid, undefined);
      reply.header('set-cookie', `${cookieName}=${sid}; path=/; HttpOnly`);
    }
    const csrfHeader = req.headers['x-csrf-token'];
    if (req.method === 'GET' && typeof csrfHeader === 'string' && csrfHeader.toLowerCase() === 'fetch') {
      const token = sessions.get(sid) ?? randomBytes(12).toString('base64');
      sessions.set(sid, token);
      counts.fetches += 1;
      reply.header('x-csrf-token', token);
    }
    if (req.method !== 'GET' && (sessions.get(sid) === undefined || csrfHeader !== sessions.get(sid))) {
      counts.refusals += 1;
      return reply.code(403).header('x-csrf-token', 'Required').type('text/plain').send('CSRF token validation failed');
    }
    // OData v4 answers JSON by default; v2 only when asked.
    const wantsJson = isV4(req.url) || (req.headers.accept ?? '').includes('application/json') || (req.query as Record<string, string>)['$format'] === 'json';
    // Without JSON asked for, SAP Gateway answers in Atom XML; the double only says so, it never renders real Atom.
    if (!wantsJson) return reply.code(200).type('application/atom+xml').send('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"/>');
    if (req.method === 'POST') {
      const target = req.url.split('?')[0]!.split('/').at(-1)!;
      const i = queued.findIndex((q) => !q.path || q.path === target);
      if (i >= 0) {
        const q = queued[i]!;
        if (--q.times <= 0) queued.splice(i, 1);
        return odataError(reply, q.status, q.code, q.text);
      }
    }
  });

  app.setErrorHandler((err, _req, reply) =>
    err instanceof SapBusinessError
      ? odataError(reply, err.status, err.code, err.message)
      : odataError(reply, (err as { statusCode?: number }).statusCode ?? 500, '/IWBEP/CM_MGW_RT/000', (err as Error).message),
  );

  function body<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
    const r = schema.safeParse(value);
    if (!r.success) throw new SapBusinessError('/IWBEP/CM_MGW_RT/020', describeIssues(r.error).map((i) => `${i.path}: ${i.message}`).join('; '));
    return r.data;
  }

  const conf = `${ROOT}/${CONFIRMATION_SERVICE}`;
  const mat = `${ROOT}/${MATERIAL_DOCUMENT_SERVICE}`;
  const pm = `${ROOT}/${MAINT_NOTIFICATION_SERVICE}`;
  const query = (req: FastifyRequest) => req.query as Record<string, string | undefined>;
  const origin = (req: FastifyRequest) => `${req.protocol}://${req.host}`;
  // SAP's entity types as the services' $metadata names them; their navigations render deferred unless expanded.
  const itemType: EntityType = { service: mat, set: 'A_MaterialDocumentItem', type: `${MATERIAL_DOCUMENT_SERVICE}.A_MaterialDocumentItemType`, keys: ['MaterialDocumentYear', 'MaterialDocument', 'MaterialDocumentItem'] };
  const headerType: EntityType = {
    service: mat, set: 'A_MaterialDocumentHeader', type: `${MATERIAL_DOCUMENT_SERVICE}.A_MaterialDocumentHeaderType`, keys: ['MaterialDocumentYear', 'MaterialDocument'],
    navigations: { to_MaterialDocumentItem: (h) => ({ type: itemType, rows: (h as MaterialDocumentRow).to_MaterialDocumentItem.results }) },
  };
  const confType: EntityType = {
    service: conf, set: 'ProdnOrdConf2', type: `${CONFIRMATION_SERVICE}.A_ProdnOrdConf2Type`, keys: ['ConfirmationGroup', 'ConfirmationCount'],
    navigations: { to_ProdnOrdConfMatlDocItm: () => ({ type: itemType, rows: [] }) },
  };
  const notificationType: EntityType = { service: pm, set: 'MaintenanceNotification', type: `${MAINT_NOTIFICATION_SERVICE}.MaintenanceNotificationType`, keys: ['MaintenanceNotification'] };
  // Units are kept as internal codes and shown in the request's language (units.ts).
  const lang = (req: FastifyRequest) => requestLanguage(query(req), req.headers['accept-language'], opts.logonLanguage ?? 'EN');
  const entity = (t: EntityType, req: FastifyRequest, row: object, expand?: string) => ({ d: renderEntity(t, localize(row, lang(req)), { origin: origin(req), expand }) });
  const collection = (t: EntityType, req: FastifyRequest, rows: object[]) => ({
    d: { results: rows.map((r) => renderEntity(t, localize(r, lang(req)), { origin: origin(req), select: query(req).$select, expand: query(req).$expand })) },
  });

  app.get(`${conf}/`, async () => ({ d: { EntitySets: ['ProdnOrdConf2', 'ProdnOrdConfMatlDocItm'] } }));
  app.get(`${mat}/`, async () => ({ d: { EntitySets: ['A_MaterialDocumentHeader', 'A_MaterialDocumentItem'] } }));

  app.get(`${conf}/ProdnOrdConf2`, async (req) => collection(confType, req, applyFilter(store.confirmations, query(req).$filter)));
  app.post(`${conf}/ProdnOrdConf2`, async (req, reply) => {
    const posted = body(ProdnOrdConf2Create, req.body);
    // The ISO code where given (the same in every language), else the commercial code read in the request's language.
    const c = {
      ...posted,
      ConfirmationUnit: posted.ConfirmationUnitISOCode
        ? internalUnit(posted.ConfirmationUnitISOCode, lang(req), 'ConfirmationUnitISOCode', true)
        : internalUnit(posted.ConfirmationUnit ?? '', lang(req), 'ConfirmationUnit'),
    };
    const rejected = faults.rejection(c.OrderID);
    if (rejected) throw new SapBusinessError('MES_DOUBLE/001', rejected);
    const closed = faults.closedPeriod(dateOf(c.PostingDate));
    if (closed) throw new SapBusinessError('RU/428', `Posting period ${closed.slice(5).padStart(3, '0')} ${closed.slice(0, 4)} is locked (check posting date)`);
    return postWithFaults(faults, faultHttp, req, reply, async () => store.createConfirmation(c), (row) => reply.code(201).send(entity(confType, req, row)));
  });
  /** A function import: POST with `'quoted'` Edm.String parameters in the query, the result as `{ d: entity }`. */
  const functionImport = <P extends string>(path: string, params: readonly [P, P], type: EntityType, run: (a: string, b: string) => object) =>
    app.post(path, async (req, reply) => {
      const [a, b] = params.map((p) => unquote(query(req)[p]));
      return postWithFaults(faults, faultHttp, req, reply, async () => run(a!, b!), (row) => reply.send(entity(type, req, row)));
    });
  functionImport(`${conf}/CancelProdnOrdConf`, ['ConfirmationGroup', 'ConfirmationCount'], confType, (g, c) => store.cancelConfirmation(g, c));

  app.get(`${mat}/A_MaterialDocumentHeader`, async (req) => collection(headerType, req, applyFilter(store.materialDocuments, query(req).$filter)));
  // The deferred navigation's URI: `A_MaterialDocumentHeader(MaterialDocumentYear='2026',MaterialDocument='4900000000')/to_MaterialDocumentItem`.
  app.get(`${mat}/:header/to_MaterialDocumentItem`, async (req) => {
    const m = /^A_MaterialDocumentHeader\((.*)\)$/.exec((req.params as { header: string }).header);
    const k = parseKeyPredicate(m?.[1] ?? '');
    const doc = store.materialDocuments.find((d) => d.MaterialDocumentYear === k.MaterialDocumentYear && d.MaterialDocument === k.MaterialDocument);
    if (!doc) throw new SapBusinessError('M7/062', `Material document ${k.MaterialDocument ?? '?'} ${k.MaterialDocumentYear ?? '?'} does not exist`, 404);
    return collection(itemType, req, applyFilter(doc.to_MaterialDocumentItem.results, query(req).$filter));
  });
  app.get(`${mat}/A_MaterialDocumentItem`, async (req) => collection(itemType, req, applyFilter(store.materialDocumentItems, query(req).$filter)));
  app.post(`${mat}/A_MaterialDocumentHeader`, async (req, reply) => {
    const posted = body(MaterialDocumentHeaderCreate, req.body);
    const h = {
      ...posted,
      to_MaterialDocumentItem: posted.to_MaterialDocumentItem.map((i, n) => ({
        ...i,
        EntryUnit: i.EntryUnitISOCode
          ? internalUnit(i.EntryUnitISOCode, lang(req), `to_MaterialDocumentItem[${n}].EntryUnitISOCode`, true)
          : internalUnit(i.EntryUnit ?? '', lang(req), `to_MaterialDocumentItem[${n}].EntryUnit`),
      })),
    };
    if (faults.closedPeriod(dateOf(h.PostingDate))) {
      // MM allows the current and the previous period (MMPV); the text names them as SAP does.
      const now = new Date();
      const period = (back: number) => { const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1)); return `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}`; };
      throw new SapBusinessError('M7/053', `Posting only possible in periods ${period(0)} and ${period(1)} in company code 1010`);
    }
    // A deep insert answers with the items it created inline.
    return postWithFaults(faults, faultHttp, req, reply, async () => store.createMaterialDocument(h), (doc) =>
      reply.code(201).send(entity(headerType, req, doc, 'to_MaterialDocumentItem')),
    );
  });
  functionImport(`${mat}/Cancel`, ['MaterialDocumentYear', 'MaterialDocument'], headerType, (y, n) => store.cancelMaterialDocument(y, n));

  // API_PRODUCTION_ORDER_2_SRV (v2): released orders, their operations and components (production-orders.ts).
  registerProductionOrders(app, store, { root: ROOT, origin, lang, query });

  // API_MAINTNOTIFICATION (v2): malfunction reports.
  app.get(`${pm}/`, async () => ({ d: { EntitySets: ['MaintenanceNotification', 'MaintenanceNotificationItem'] } }));
  app.get(`${pm}/MaintenanceNotification`, async (req) => collection(notificationType, req, applyFilter(store.maintenanceNotifications, query(req).$filter)));
  app.post(`${pm}/MaintenanceNotification`, async (req, reply) => {
    const n = body(MaintenanceNotificationCreate, req.body);
    return postWithFaults(faults, faultHttp, req, reply, async () => store.createMaintenanceNotification(n), (row) => reply.code(201).send(entity(notificationType, req, row)));
  });

  // Quality notifications (v4): an entity is the object itself with its context, a collection is `{ value }`.
  const qm = QUALITY_NOTIFICATION_SERVICE_V4;
  const context = `${qm}/$metadata#QualityNotification`;
  app.get(`${qm}/`, async () => ({ '@odata.context': `${qm}/$metadata`, value: [{ name: 'QualityNotification', kind: 'EntitySet', url: 'QualityNotification' }] }));
  app.get(`${qm}/QualityNotification`, async (req) => ({ '@odata.context': context, value: applyFilter(store.qualityNotifications, query(req).$filter) }));
  app.post(`${qm}/QualityNotification`, async (req, reply) => {
    const q = body(QualityNotificationCreate, req.body);
    const rejected = faults.materialRejection(q.Material, q.Plant);
    if (rejected) throw new SapBusinessError('MES_DOUBLE/002', rejected);
    return postWithFaults(faults, faultHttp, req, reply, async () => store.createQualityNotification(q), (row) =>
      reply.code(201).send({ '@odata.context': `${context}/$entity`, ...row }),
    );
  });

  return Object.assign(app, {
    faults,
    store,
    csrf: counts,
    expireCsrfTokens: () => sessions.forEach((_v, k) => sessions.set(k, undefined)),
    queueError: (e: QueuedSapError) => void queued.push({ ...e }),
  });
}

/** The day of an Edm.DateTime (`/Date(ms)/`) as `YYYY-MM-DD`; undefined when the request gives none (SAP: today). */
function dateOf(edm: string | undefined): string | undefined {
  const ms = edm && /^\/Date\((-?\d+)/.exec(edm)?.[1];
  if (edm && !ms) throw new SapBusinessError('/IWBEP/CM_MGW_RT/020', `Edm.DateTime expected: ${edm}`);
  return ms ? new Date(Number(ms)).toISOString().slice(0, 10) : undefined;
}

/** A function import parameter: `'4900000001'` -> `4900000001`. */
function unquote(v: string | undefined): string {
  if (!v || !/^'.*'$/.test(v)) throw new SapBusinessError('/IWBEP/CM_MGW_RT/021', `Parameter missing or not an Edm.String literal: ${v ?? '(none)'}`);
  return v.slice(1, -1).replaceAll("''", "'");
}

/**
 * The `$filter` subset the adapter uses: `Field eq 'text'`, `Field eq true|false`, `Field ge 'text'` and
 * `startswith(Field,'text')`, joined by `and`.
 */
export function applyFilter<T extends object>(rows: T[], filter: string | undefined): T[] {
  if (!filter) return rows;
  const clauses = filter.split(/\s+and\s+/).map((c): ((r: Record<string, unknown>) => boolean) => {
    const prefix = /^startswith\((\w+),'((?:[^']|'')*)'\)$/.exec(c.trim());
    if (prefix) {
      const [, field, text] = prefix;
      return (r) => typeof r[field!] === 'string' && (r[field!] as string).startsWith(text!.replaceAll("''", "'"));
    }
    const m = /^(\w+) (eq|ge) (?:'((?:[^']|'')*)'|(true|false))$/.exec(c.trim());
    if (!m) throw new SapBusinessError('/IWBEP/CM_MGW_RT/022', `Unsupported $filter clause: ${c}`);
    const value = m[3] !== undefined ? m[3].replaceAll("''", "'") : m[4] === 'true';
    // `ge` on strings compares as SAP does for CHAR fields (LastChangeDateTime YYYYMMDDhhmmss sorts as text).
    if (m[2] === 'ge') return (r) => typeof r[m[1]!] === 'string' && (r[m[1]!] as string) >= String(value);
    return (r) => r[m[1]!] === value;
  });
  return rows.filter((r) => clauses.every((c) => c(r as Record<string, unknown>)));
}
