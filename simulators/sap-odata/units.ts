import { SapBusinessError } from './store.js';

/**
 * Units as an SAP system holds them (table T006 and its language-dependent texts T006A): an internal code (MSEHI,
 * what `...SAPCode` properties show), a commercial code per logon language (what `ConfirmationUnit`, `EntryUnit`,
 * `BaseUnit` show and take through the conversion exit) and an ISO code (what `...ISOCode` properties show). The
 * double keeps internal codes in its books and shows and reads commercial ones in the request's language, so a
 * client that sends `PC` to a German session is refused, as a real system would refuse it (there, PC is no unit).
 * A small subset of SAP's standard units; commercial codes as SAP ships them for English and German.
 */
const UNITS: ReadonlyArray<{ internal: string; iso: string; EN: string; DE: string }> = [
  { internal: 'ST', iso: 'PCE', EN: 'PC', DE: 'ST' },
  { internal: 'KG', iso: 'KGM', EN: 'KG', DE: 'KG' },
  { internal: 'M', iso: 'MTR', EN: 'M', DE: 'M' },
  { internal: 'L', iso: 'LTR', EN: 'L', DE: 'L' },
  { internal: 'H', iso: 'HUR', EN: 'H', DE: 'STD' },
  { internal: 'MIN', iso: 'MIN', EN: 'MIN', DE: 'MIN' },
];

/** The logon languages the double speaks. */
export type SapLanguage = 'EN' | 'DE';

/**
 * The request's language, as SAP Gateway picks it: the `sap-language` parameter, else the first Accept-Language
 * tag, else the user's logon language. An unknown language falls back to the logon language.
 */
export function requestLanguage(query: Record<string, string | undefined>, acceptLanguage: string | undefined, logon: SapLanguage): SapLanguage {
  const pick = (v: string | undefined) => {
    const l = v?.trim().slice(0, 2).toUpperCase();
    return l === 'EN' || l === 'DE' ? l : undefined;
  };
  return pick(query['sap-language']) ?? pick(acceptLanguage?.split(',')[0]) ?? logon;
}

/** A commercial code in `lang` (or an ISO code when `iso`) to the internal code; refused as SAP would, naming it. */
export function internalUnit(code: string, lang: SapLanguage, field: string, iso = false): string {
  const u = UNITS.find((x) => (iso ? x.iso : x[lang]) === code);
  if (!u) throw new SapBusinessError('MES_DOUBLE/010', `${field}: unit ${code} is not ${iso ? 'an ISO code of any unit' : `created in language ${lang}`}`);
  return u.internal;
}

const unit = (internal: string) => UNITS.find((x) => x.internal === internal);

/** The unit properties SAP converts on output, with their ISO and internal siblings (present on the entity or not). */
const UNIT_FIELDS = ['ConfirmationUnit', 'EntryUnit', 'BaseUnit', 'ProductionUnit'] as const;

/**
 * A stored row as SAP shows it in `lang`: each unit property's internal code as the commercial code, its `...ISOCode`
 * and `...SAPCode` siblings filled where the entity has them; expanded navigations (`{ results }`) likewise.
 */
export function localize<T extends object>(row: T, lang: SapLanguage): T {
  const out: Record<string, unknown> = { ...(row as Record<string, unknown>) };
  for (const f of UNIT_FIELDS) {
    const u = typeof out[f] === 'string' ? unit(out[f]) : undefined;
    if (!u) continue;
    out[f] = u[lang];
    if (`${f}ISOCode` in out) out[`${f}ISOCode`] = u.iso;
    if (`${f}SAPCode` in out) out[`${f}SAPCode`] = u.internal;
  }
  for (const [k, v] of Object.entries(out)) {
    if (v && typeof v === 'object' && Array.isArray((v as { results?: unknown }).results))
      out[k] = { results: (v as { results: object[] }).results.map((r) => localize(r, lang)) };
  }
  return out as T;
}
