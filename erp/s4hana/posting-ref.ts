import { createHash } from 'node:crypto';

/**
 * SAP keeps our posting key in a short text field: ConfirmationText (40 characters) for confirmations,
 * MaterialDocumentHeaderText (25) for material documents. A key that fits is stored as it is, so a person reads it
 * in SAP; a longer one (`work-order:plant1:1000123#4` is 27) becomes `MES` + the first hex digits of its SHA-256,
 * filling the field: 22 hex digits (88 bits) in 25 characters, 37 in 40. Deterministic, so a retry computes the same
 * reference and finds the document with `$filter`; collisions at 88 bits are out of reach for any plant's volume.
 */
export function sapReference(postingKey: string, maxLength: number, opts: { upperCase?: boolean } = {}): string {
  // An upper-case field (SAP converts what it stores) keeps a key as it is only when converting would not change it.
  if (postingKey.length <= maxLength && (!opts.upperCase || postingKey === postingKey.toUpperCase())) return postingKey;
  return `MES${createHash('sha256').update(postingKey).digest('hex').slice(0, maxLength - 3).toUpperCase()}`;
}

/** OData v2 string literal inside `$filter` or a function import parameter: single quotes doubled. */
export const odataString = (v: string): string => `'${v.replaceAll("'", "''")}'`;



/** `$filter` on a collection, and `$select` of exactly what the reply schema reads. */
export const odataQuery = (set: string, filter: string, select: string): string =>
  `${set}?$filter=${encodeURIComponent(filter)}&$select=${select}`;
