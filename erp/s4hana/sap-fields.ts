import type { z } from 'zod';
import { ErpRejected } from '../../contracts/erp-port.js';

/**
 * SAP's shape of one field, checked at the adapter's boundary: the port takes generic order numbers, operations and
 * plants (contracts/tokens.ts), SAP holds narrower ones (`SapOrderNumber`, `SapOperation`, `SapPlant`,
 * `SapStorageLocation` in contracts/messages/sap-odata.ts). A value SAP cannot take is refused before SAP sees it,
 * as a non-retryable `ErpRejected` that names the document, the field, the value and SAP's rule:
 * `SAP confirmation work-order:plant1:1234567890123#1: erpOrderId "1234567890123" must be 1-12 of 0-9 and A-Z (SAP AUFNR)`.
 */
export function sapField<S extends z.ZodType>(schema: S, value: unknown, field: string, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ErpRejected(`SAP ${what}: ${field} ${JSON.stringify(value)} ${r.error.issues[0]?.message ?? 'is not valid'}`);
  return r.data;
}
