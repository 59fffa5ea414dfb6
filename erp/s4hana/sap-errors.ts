import { ErpPeriodClosed, ErpRejected, ErpUnavailable } from '../../contracts/erp-port.js';
import { ODataError } from '../../contracts/messages/sap-odata.js';
import { classifySapMessages, SAP_MESSAGES, type SapMessageOverrides } from './sap-messages.js';

/**
 * An SAP error answer as the port's error. SAP's own words (`message.value` of the OData error, or v4's `message`),
 * its message id (`error.code`, then the ids of `innererror.errordetails` with severity error) and the HTTP status go
 * into the message and onto the error as properties (`status`, `messageId`, `text`), so logs and Temporal failures
 * carry them.
 *
 * - 5xx, 408, 429: SAP or the way to it is down or busy: `ErpUnavailable` (retried).
 * - 401, 403: credentials or business roles; an administrator fixes them: `ErpUnavailable`, retried until then.
 * - any other 4xx: by message id (`sap-messages.ts`): a lock is `ErpUnavailable` (retried with backoff), a known
 *   permanent id and an unknown one are `ErpRejected` (a person resolves it; the id is in the message); a closed
 *   posting period (`closedPeriod` in the catalogue: M7/053, RU/428, F5/201) is `ErpPeriodClosed`, which the
 *   closed-period policy posts again in the first open period.
 */
export function sapError(where: string, status: number, text: string, overrides?: SapMessageOverrides): Error {
  const body = parseError(text);
  const said = body ? `${body.text}${body.ids[0] ? ` (${body.ids[0]})` : ''}` : text.slice(0, 300);
  const prefix = `${where}: HTTP ${status}: ${said}`;
  if (status >= 500 || status === 401 || status === 403 || status === 408 || status === 429)
    return new ErpUnavailable(prefix, { status, messageId: body?.ids[0], text: body?.text });
  const verdict = classifySapMessages(body?.ids ?? [], overrides);
  const detail = { status, messageId: verdict.messageId, text: body?.text };
  if (verdict.kind === 'transient') return new ErpUnavailable(`${prefix}: SAP message ${verdict.messageId} is transient (${verdict.meaning ?? 'override'}), retried`, detail);
  const decided = verdict.messageId && verdict.messageId !== body?.ids[0] ? `: SAP message ${verdict.messageId}` : '';
  const known = verdict.meaning ? '' : verdict.messageId ? ` (message ${verdict.messageId} is not in the catalogue: permanent)` : '';
  const closed = verdict.messageId !== undefined && SAP_MESSAGES[verdict.messageId]?.closedPeriod === true;
  return new (closed ? ErpPeriodClosed : ErpRejected)(`${prefix}${decided}${known}`, detail);
}

/** The text and message ids of an OData error body; undefined when the body is not one (a gateway's HTML page). */
function parseError(text: string): { text: string; ids: string[] } | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const r = ODataError.safeParse(json);
  if (!r.success) return undefined;
  const e = r.data.error;
  const details = (e.innererror?.errordetails ?? []).filter((d) => !d.severity || d.severity === 'error').map((d) => d.code);
  return {
    text: typeof e.message === 'string' ? e.message : e.message.value,
    ids: [e.code, ...details, ...(e.details ?? []).map((d) => d.code)].filter((id) => id.length > 0),
  };
}
