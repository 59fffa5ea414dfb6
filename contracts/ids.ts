/** Deterministic identifiers: a repeated release or event can never start a second run or a second posting. */

export const workOrderWorkflowId = (site: string, erpOrderId: string): string => `work-order:${site}:${erpOrderId}`;

export const shiftWorkflowId = (site: string, line: string, date: string, shiftCode: string): string =>
  `shift:${site}:${line}:${date}:${shiftCode}`;

/**
 * A reconciliation fix of one order: `fingerprint` hashes the fixes and the ERP documents they were computed from (10 hex
 * characters), so the same request twice is one run and a later, different difference a new one. Short on purpose: the
 * posting keys `<id>#<n>` must fit the ERP's reference fields (the simulator's 40, as SAP's ConfirmationText).
 */
export const reconciliationFixWorkflowId = (site: string, erpOrderId: string, fingerprint: string): string =>
  `fix:${site}:${erpOrderId}:${fingerprint}`;

/** The sequence comes from workflow state, never from runId or attempt, so retries and restarts reuse the key. */
export const postingKey = (workflowId: string, postingSeq: number): string => `${workflowId}#${postingSeq}`;
