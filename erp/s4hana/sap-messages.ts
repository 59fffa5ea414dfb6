import type { SapMessageOverrides } from '../../contracts/messages/sap-odata.js';

/**
 * SAP message ids the adapter knows, with what each means and whether retrying can help. An id is SAP's message class
 * and number as the OData error carries it in `error.code` and in each `innererror.errordetails[].code` (`M3/897`).
 *
 * - `transient`: another user or process holds what the posting needs (an SAP lock, enqueue), or SAP is busy; the
 *   same request succeeds once it is released. Retried with backoff like an outage (`ErpUnavailable`), no
 *   compensation, no exception.
 * - `permanent`: the request itself is wrong for SAP as it stands (closed period, missing master data, stock
 *   shortfall); retrying sends the same thing again. A refusal (`ErpRejected`) a person resolves.
 *
 * An id not in the catalogue is `permanent`, and the refusal shows it, so a person can add it (docs/erp-s4hana.md).
 * Sources, per entry: `ref` says where the id and its text come from; `unconfirmed` ones are from experience with
 * SAP systems and were not found in a reference read for this catalogue: check them in SE91 or against a message your
 * system sends before relying on them, and override them if your system says otherwise.
 */
export type SapMessageKind = 'transient' | 'permanent';
export type { SapMessageOverrides };

export interface SapMessage {
  kind: SapMessageKind;
  /** SAP's short text, `&` its placeholders. */
  meaning: string;
  /** Where the id and text come from. */
  ref: string;
  /**
   * The posting date lies in a closed period: a refusal the closed-period policy answers by posting in the first open
   * period (erp/posting-period.ts, `ErpPeriodClosed`) instead of parking the order.
   */
  closedPeriod?: true;
}

export const SAP_MESSAGES: Readonly<Record<string, SapMessage>> = {
  // Locks: the material's plant data, the order or its reservation are being changed by someone else.
  'M3/897': { kind: 'transient', meaning: 'The plant data of the material & is locked by the user &', ref: 'named in issue 18 and the design brief (SAP as it behaves); text not confirmed from a reference read here' },
  'CO/469': { kind: 'transient', meaning: 'Order & is already being processed by &', ref: 'SAP message CO 469 (class CO, PPC order processing messages), erplingo.com SAP error message pages (CO470, related messages)' },
  'CO/470': { kind: 'transient', meaning: 'Reservation & is already being processed by &', ref: 'SAP message CO 470, erplingo.com/sap-error-messages/en/co/co470' },
  // Periods: the posting date lies in a period the company code does not allow.
  'M7/053': { kind: 'permanent', closedPeriod: true, meaning: 'Posting only possible in periods & and & in company code &', ref: 'unconfirmed (well known from MMPV/MMRV period closing; not found in a reference read here)' },
  'RU/428': { kind: 'permanent', closedPeriod: true, meaning: 'Posting period & & is locked (check posting date)', ref: 'SAP message RU 428 (class RU, order completion confirmation), erplingo.com/sap-error-messages/en/ru/ru428' },
  'F5/201': { kind: 'permanent', closedPeriod: true, meaning: 'Posting period & & is not open', ref: 'SAP message F5 201 (class F5, document editing; periods opened in the app Manage Posting Periods), erplingo.com/sap-error-messages/en/f5/f5201' },
  // Stock.
  'M7/021': { kind: 'permanent', meaning: 'Deficit of & unrestricted-use stock & & &', ref: 'unconfirmed (well known; not found in a reference read here)' },
  // Gateway's own: a malformed request is ours to fix, not SAP's.
  '/IWBEP/CM_MGW_RT/020': { kind: 'permanent', meaning: 'The request body could not be read (a property of the wrong type or length)', ref: 'SAP Gateway runtime message class /IWBEP/CM_MGW_RT; the SAP test double sends it' },
};


/** The verdict on an SAP error: which id decided, its kind, and what it means when the catalogue knows it. */
export interface SapMessageVerdict {
  messageId: string | undefined;
  kind: SapMessageKind;
  meaning?: string;
}

/** Gateway frames an application's message in its own (`/IWBEP/CM_MGW_RT/000`, `/IWFND/...`); the framing decides nothing. */
const isFraming = (id: string) => /^\/IW(BEP|FND)\//.test(id) && !(id in SAP_MESSAGES);

/**
 * Classifies the ids of one SAP error (the top-level `code` first, then the error details'): a permanent id the
 * catalogue knows wins (the request is wrong whatever else holds it), then a transient one; with none known, the
 * error is permanent under its first application id. `overrides` (the plant's own judgement) come before the catalogue.
 */
export function classifySapMessages(ids: string[], overrides: SapMessageOverrides = {}): SapMessageVerdict {
  const kindOf = (id: string): SapMessageKind | undefined => overrides[id] ?? SAP_MESSAGES[id]?.kind;
  const verdict = (id: string | undefined, kind: SapMessageKind): SapMessageVerdict => ({
    messageId: id,
    kind,
    ...(id && SAP_MESSAGES[id] ? { meaning: SAP_MESSAGES[id].meaning } : {}),
  });
  const unique = [...new Set(ids)];
  const permanent = unique.find((id) => kindOf(id) === 'permanent');
  if (permanent) return verdict(permanent, 'permanent');
  const transient = unique.find((id) => kindOf(id) === 'transient');
  if (transient) return verdict(transient, 'transient');
  return verdict(unique.find((id) => !isFraming(id)) ?? unique[0], 'permanent');
}
