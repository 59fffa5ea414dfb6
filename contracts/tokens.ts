import { z } from 'zod';

/** Safe as a NATS subject token and inside a workflow id: lowercase letters, digits and dashes. */
export const Token = z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be 1-64 of a-z, 0-9 and -');

/** SAP order numbers are up to 12 characters (AUFNR); letters are allowed for external numbering. */
export const ErpOrderId = z.string().regex(/^[0-9A-Z]{1,12}$/, 'must be 1-12 of 0-9 and A-Z (SAP AUFNR)');

/** OData v2 Edm.Decimal travels as a string; we keep ERP quantities that way end to end. */
export const DecimalString = z.string().regex(/^\d{1,13}(\.\d{1,3})?$/, 'must be a decimal string like "12" or "12.5"');

export const MaterialCode = z.string().regex(/^[A-Z0-9][A-Z0-9_-]{0,39}$/, 'must be 1-40 of A-Z, 0-9, _ and - (SAP MATNR)');

export const UnitOfMeasure = z.string().regex(/^[A-Z0-9]{1,3}$/, 'must be a 1-3 character ISO unit like PC or KG');
