// The order's own names for what it makes: its finished batch (the db records it, the workflow posts it on receipts).

/**
 * The finished batch of an order whose ERP named none: the order number without its leading zeros (SAP AUFNR
 * `000001000123` -> `1000123`), the usual "batch = order" convention; an order number longer than SAP's 10-character
 * CHARG keeps its last 9 characters after an `O`. Deterministic: every confirmation of the order gets the same.
 */
export function finishedBatchOf(erpOrderId: string): string {
  const bare = bareOrder(erpOrderId);
  return bare.length <= 10 ? bare : `O${bare.slice(-9)}`;
}

/** The order number without its leading zeros (SAP AUFNR `000001000123` -> `1000123`). */
export const bareOrder = (erpOrderId: string): string => erpOrderId.replace(/^0+(?=.)/, '');
