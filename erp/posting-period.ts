import { ErpPeriodClosed, ErpPeriodNotYetOpen } from '../contracts/erp-port.js';
import { laterPeriodStarts } from '../contracts/plant-date.js';

/** A request that carries the port's posting dates (ConfirmationRequest, GoodsMovementRequest). */
export interface DatedRequest {
  postingDate?: string;
  documentDate?: string;
}

/** The furthest zone ahead of UTC (UTC+14): "today" somewhere on earth is never later than this instant's UTC date. */
const AHEAD_OF_UTC_MS = 14 * 3_600_000;
/** The furthest zone behind UTC (UTC-12): "today" somewhere on earth is never earlier than this instant's UTC date. */
const BEHIND_UTC_MS = 12 * 3_600_000;

/**
 * The closed-period policy, for every ERP alike (docs/erp-orchestration.md, "Posting date"; docs/erp-s4hana.md,
 * "Posting periods"): post `request` under the date it carries; when the ERP refuses that date because its period is
 * closed (`ErpPeriodClosed`), post it again on the first day of each later period in turn, up to today, with the
 * production's date kept as `documentDate` (SAP: DocumentDate of the material document, ConfirmedExecutionEndDate of
 * the confirmation). The first date the ERP takes is the first open period. Periods are calendar months (SAP fiscal
 * year variant K4, the simulator's) unless `periodStarts` names the first day of each (a 4-4-5 calendar: the plant
 * file's `erpPostingPeriods`); with other periods and no `periodStarts` a period that starts mid-month is missed and
 * the posting parks.
 *
 * A refused date that is the plant's today is not a closed period but one the ERP has not opened yet: SAP refuses a
 * date past its open periods with the same messages (M7/053 names the periods it takes, "Posting only possible in
 * periods 2026/03 and 2026/02"), and opens the new one with its period shift (MMPV) hours after a plant east of it
 * began the day. Moving the posting back into the old period would book April's production into March; so it is
 * `ErpPeriodNotYetOpen`, retried with backoff until SAP opens the period, visible meanwhile as a pending activity with
 * SAP's words.
 *
 * Exactly once holds: every refused attempt was answered by the ERP, so nothing of it can commit; the posting key is
 * the same on each attempt and a later look-up finds the one that landed.
 * @param post sends one request and resolves with the ERP's document.
 * @param onMoved told of each retry at a later date (for the log), with the refusal that caused it.
 * @throws ErpPeriodNotYetOpen (retried) when the production's date is today somewhere and its period is refused; the
 *   ERP's error when it refuses for another reason, when the request carries no posting date, or when every period
 *   from the production's date up to now is closed (a person opens one).
 */
export async function postInOpenPeriod<R extends DatedRequest, T>(
  request: R,
  post: (r: R) => Promise<T>,
  onMoved?: (moved: R, refusal: ErpPeriodClosed) => void,
  now = Date.now(),
  periodStarts?: readonly string[],
): Promise<T> {
  try {
    return await post(request);
  } catch (err) {
    if (!(err instanceof ErpPeriodClosed) || !request.postingDate) throw err;
    let refusal = err;
    const until = new Date(now + AHEAD_OF_UTC_MS).toISOString().slice(0, 10);
    for (const start of laterPeriodStarts(request.postingDate, until, periodStarts)) {
      const moved = { ...request, postingDate: start, documentDate: request.documentDate ?? request.postingDate };
      onMoved?.(moved, refusal);
      try {
        return await post(moved);
      } catch (next) {
        if (!(next instanceof ErpPeriodClosed)) throw next;
        refusal = next;
      }
    }
    if (request.postingDate >= new Date(now - BEHIND_UTC_MS).toISOString().slice(0, 10)) {
      const { status, messageId, text } = refusal;
      throw new ErpPeriodNotYetOpen(`posting date ${request.postingDate}: its period is not open in the ERP yet; retried until it opens: ${refusal.message}`, { status, messageId, text });
    }
    throw refusal;
  }
}
