/**
 * OData v2 JSON as SAP Gateway renders an entity (OData v2 JSON format, "Representing Entities"): `__metadata` with
 * the entity's `id`, `uri` and `type`; every navigation property as `{ "__deferred": { "uri": ... } }` unless the
 * request `$expand`ed it, then `{ "results": [...] }`; with `$select`, only the properties asked for (and
 * `__metadata`). The double renders every v2 entity through here, so the adapter sees what SAP sends, not what it
 * happens to expect.
 */
export interface EntityType {
  /** Service root URL path, e.g. `/sap/opu/odata/sap/API_MATERIAL_DOCUMENT_SRV`. */
  service: string;
  set: string;
  /** `API_MATERIAL_DOCUMENT_SRV.A_MaterialDocumentHeaderType` */
  type: string;
  keys: readonly string[];
  /** Navigation properties: their name and, for an expanded render, the rows behind it. */
  navigations?: Record<string, (row: Record<string, unknown>) => { type: EntityType; rows: object[] }>;
}

export interface RenderOptions {
  origin: string;
  select?: string;
  expand?: string;
}

const keyPredicate = (t: EntityType, row: Record<string, unknown>) =>
  t.keys.map((k) => `${k}='${String(row[k]).replaceAll("'", "''")}'`).join(',');

/** `A_MaterialDocumentHeader(MaterialDocumentYear='2026',MaterialDocument='4900000000')` and its absolute URI. */
export function entityUri(t: EntityType, row: Record<string, unknown>, origin: string): string {
  return `${origin}${t.service}/${t.set}(${keyPredicate(t, row)})`;
}

export function renderEntity(t: EntityType, row: object, o: RenderOptions): Record<string, unknown> {
  const r = row as Record<string, unknown>;
  const uri = entityUri(t, r, o.origin);
  const selected = o.select ? new Set(o.select.split(',').map((s) => s.trim())) : undefined;
  const expanded = new Set((o.expand ?? '').split(',').map((s) => s.trim()).filter(Boolean));
  const out: Record<string, unknown> = { __metadata: { id: uri, uri, type: t.type } };
  for (const [k, v] of Object.entries(r)) {
    if (t.navigations?.[k]) continue;
    if (!selected || selected.has(k)) out[k] = v;
  }
  for (const [nav, target] of Object.entries(t.navigations ?? {})) {
    if (selected && !selected.has(nav) && !expanded.has(nav)) continue;
    if (expanded.has(nav)) {
      const { type, rows } = target(r);
      out[nav] = { results: rows.map((x) => renderEntity(type, x, { origin: o.origin })) };
    } else out[nav] = { __deferred: { uri: `${uri}/${nav}` } };
  }
  return out;
}

/** Parses `MaterialDocumentYear='2026',MaterialDocument='4900000000'` into its values. */
export function parseKeyPredicate(predicate: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of predicate.matchAll(/(\w+)='((?:[^']|'')*)'/g)) out[m[1]!] = m[2]!.replaceAll("''", "'");
  return out;
}
