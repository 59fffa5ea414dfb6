import { z } from 'zod';

/** Safe as a NATS subject token and inside a workflow id: lowercase letters, digits and dashes. */
export const Token = z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be 1-64 of a-z, 0-9 and -');

/**
 * An ERP's production order number, in any ERP: 1-32 of A-Z, 0-9, _ and -, starting with a letter or digit, so it is
 * safe in a workflow id, a posting key and a URL path. An ERP's own rule is narrower (SAP's AUFNR: 1-12 of 0-9 and
 * A-Z) and is checked by its adapter, which refuses an order number its ERP cannot hold.
 */
export const ErpOrderId = z
  .string()
  .regex(/^[0-9A-Z][0-9A-Z_-]{0,31}$/, 'must be 1-32 of 0-9, A-Z, _ and -, starting with a letter or digit');

/**
 * An ERP plant (SAP WERKS, a Dynamics 365 site, an Oracle inventory organization): 1-10 of A-Z, 0-9, _ and -. SAP's
 * four characters are the S/4HANA adapter's rule.
 */
export const Plant = z.string().regex(/^[A-Z0-9][A-Z0-9_-]{0,9}$/, 'must be 1-10 of A-Z, 0-9, _ and -, like 1010');

/**
 * Where in a plant stock is kept (SAP LGORT, a Dynamics 365 warehouse, an Oracle subinventory): 1-10 of A-Z, 0-9, _
 * and -. SAP's four characters are the S/4HANA adapter's rule.
 */
export const StorageLocation = z.string().regex(/^[A-Z0-9][A-Z0-9_-]{0,9}$/, 'must be 1-10 of A-Z, 0-9, _ and -, like 0001');

/** A cost center: 1-10 of A-Z and 0-9 (the length of SAP's KOSTL, which the plant model has always used). */
export const CostCenter = z.string().regex(/^[A-Z0-9]{1,10}$/, 'must be 1-10 of A-Z and 0-9 (SAP KOSTL)');

/** OData v2 Edm.Decimal travels as a string; we keep ERP quantities that way end to end. */
export const DecimalString = z.string().regex(/^\d{1,13}(\.\d{1,3})?$/, 'must be a decimal string like "12" or "12.5"');

/**
 * A material number as SAP's MATNR holds it (CHAR 40, stored in upper case; the standard material number check
 * allows punctuation like `.`, `/` and inner spaces, and many plants use them: `PUMP-100/20`, `BOLT M6.8`): 1-40 of
 * A-Z, 0-9, space and `. / _ - + # ( ) &`, starting and ending with a letter or digit. Material codes travel in JSON
 * bodies, OData `$filter` literals (posting-ref.ts `odataString`) and workflow summaries, never in a NATS subject or a
 * workflow id, so these characters are safe where the port carries them.
 */
export const MaterialCode = z
  .string()
  .regex(/^[A-Z0-9](?:[A-Z0-9 ./_+#()&-]{0,38}[A-Z0-9])?$/, 'must be 1-40 of A-Z, 0-9, space and . / _ - + # ( ) &, starting and ending with a letter or digit (SAP MATNR)');

export const UnitOfMeasure = z.string().regex(/^[A-Z0-9]{1,3}$/, 'must be a 1-3 character ISO unit like PC or KG');

/** True when Intl knows `name` as a time zone (IANA names, `UTC`, `Etc/*`), as the shift calendar will use it. */
function isKnownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * A site's time zone: an IANA name that Intl knows (`Europe/Berlin`, `America/Chicago`, `UTC`, `Etc/GMT-1`). Windows
 * names (`W. Europe Standard Time`) and abbreviations (`CEST`) are refused here, where the name enters, rather than
 * in every shift lookup later (shifts/local-time.ts throws RangeError on them).
 */
export const TimeZone = z
  .string()
  .refine(isKnownTimeZone, {
    error: (iss) => `unknown time zone ${JSON.stringify(iss.input)}: must be an IANA time zone name like Europe/Berlin, America/Chicago or UTC`,
  });
