/** Deterministic identifiers: a repeated release or event can never start a second run or a second posting. */

export const workOrderWorkflowId = (site: string, erpOrderId: string): string => `work-order:${site}:${erpOrderId}`;

export const shiftWorkflowId = (site: string, line: string, date: string, shiftCode: string): string =>
  `shift:${site}:${line}:${date}:${shiftCode}`;

/** The sequence comes from workflow state, never from runId or attempt, so retries and restarts reuse the key. */
export const postingKey = (workflowId: string, postingSeq: number): string => `${workflowId}#${postingSeq}`;
