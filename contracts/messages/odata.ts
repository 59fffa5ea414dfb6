import { z } from 'zod';

// OData v2 (and v4) JSON as SAP Gateway writes it, for every SAP service the engine reads: the pieces every entity
// shares, the envelopes, the error body and SAP message ids. Entities themselves: sap-odata.ts.

/**
 * OData v2 JSON as SAP Gateway writes it (OData v2 JSON format, "Representing Primitive Types" and "Representing
 * Entities"): every entity carries `__metadata` (`uri`, `type`, often `id` and `etag`); a navigation property is
 * `{ "__deferred": { "uri": ... } }` unless the request `$expand`ed it, then `{ "results": [...] }` for a to-many
 * end; Edm.Decimal is a string with the property's scale ("100.000" where we sent "100"); Edm.DateTime is
 * `/Date(<ms since epoch>)/`, sometimes with an offset `/Date(<ms>+0000)/`. The reply schemas (sap-odata.ts) name
 * only what the adapter reads (zod drops the rest, `__metadata` and properties it does not use included), and the
 * adapter asks with `$select` for exactly those (`selectOf`).
 *
 * Edm.Decimal: a string, with the property's scale.
 */
export const EdmDecimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be an Edm.Decimal string');
/** Edm.DateTime in OData v2 JSON: `/Date(1767225600000)/` or `/Date(1767225600000+0000)/`, milliseconds since 1970 UTC. */
export const EdmDateTime = z.string().regex(/^\/Date\(-?\d+([+-]\d{4})?\)\/$/, 'must be an Edm.DateTime like /Date(1767225600000)/');
/** A navigation property not expanded: where to GET it. */
export const Deferred = z.object({ __deferred: z.object({ uri: z.string() }) });
/** A to-many navigation property: `{ results }` when `$expand`ed, `{ __deferred: { uri } }` when not. */
export const navigation = <S extends z.ZodType>(item: S) => z.union([z.object({ results: z.array(item) }), Deferred]);
/** `__metadata` of an entity: SAP sends it on every one; the adapter reads nothing from it. */
export const ODataMetadata = z.object({ id: z.string().optional(), uri: z.string(), type: z.string(), etag: z.string().optional() });
/** The `$select` list for a reply schema: exactly the properties it reads. */
export const selectOf = (schema: z.ZodObject) => Object.keys(schema.shape).join(',');

/**
 * OData v2 JSON envelopes: `{ d: entity }` and `{ d: { results: [...], __next? } }`. `__next` is server-driven
 * paging (OData v2 JSON format, "Representing Collections of Entries"): SAP Gateway cuts a collection at the
 * service's page size and links the rest with `$skiptoken`; `ODataSession.collection` follows it.
 */
export const odataEntity = <S extends z.ZodType>(s: S) => z.object({ d: s });
export const odataCollection = <S extends z.ZodType>(s: S) => z.object({ d: z.object({ results: z.array(s), __next: z.string().optional() }) });
/** OData v4 JSON collection: `{ value: [...], @odata.nextLink? }` (OData v4 JSON format, "Collection of Entities"). */
export const odataV4Collection = <S extends z.ZodType>(s: S) => z.object({ value: z.array(s), '@odata.nextLink': z.string().optional() });

/**
 * SAP Gateway's error body; `code` is message class and number. The text a person reads is `message.value` in OData
 * v2 and `message` itself in OData v4.
 */
export const ODataError = z.object({
  error: z.object({
    code: z.string(),
    message: z.union([z.object({ lang: z.string().optional(), value: z.string() }), z.string()]),
    /**
     * SAP Gateway's v2 details: every message the application raised, each with its own `code` (class/number),
     * `message` text and `severity` (`error`, `warning`, `info`, `success`). The top-level code is often Gateway's
     * own (`/IWBEP/CM_MGW_RT/...`) while the application's message (`M3/897`) is only here.
     */
    innererror: z
      .object({
        errordetails: z
          .array(z.object({ code: z.string(), message: z.string().optional(), severity: z.string().optional() }))
          .optional(),
      })
      .optional(),
    /** OData v4's details: `[{ code, message }]`. */
    details: z.array(z.object({ code: z.string(), message: z.string().optional() })).optional(),
  }),
});
export type ODataError = z.infer<typeof ODataError>;

/** An SAP message id as OData errors carry it: message class (may contain `/`, like `/IWBEP/CM_MGW_RT`) and number. */
const SAP_MESSAGE_ID = /^\/?[^\s/]+(\/[^\s/]+)*\/\d{3}$/;
/**
 * The plant's own judgement of SAP message ids, before the adapter's catalogue (erp/s4hana/sap-messages.ts):
 * `{ "ZPP/001": "transient", "M7/021": "transient" }`, SAP's ids (`<class>/<number>`) as keys, `transient`
 * (retried) or `permanent` (a refusal) as values. Read from SAP_MESSAGE_KINDS.
 */
export const SapMessageOverrides = z.record(z.string(), z.enum(['transient', 'permanent'], { error: 'must be transient or permanent' })).superRefine((o, ctx) => {
  for (const id of Object.keys(o))
    if (!SAP_MESSAGE_ID.test(id)) ctx.addIssue({ code: 'custom', path: [id], message: 'must be an SAP message id <class>/<number>, like M3/897' });
});
export type SapMessageOverrides = z.infer<typeof SapMessageOverrides>;
