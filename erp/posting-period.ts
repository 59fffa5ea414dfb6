import { ErpPeriodClosed } from '../contracts/erp-port.js';
import { laterPeriodStarts } from '../contracts/plant-date.js';

/** A request that carries the port's posting dates (ConfirmationRequest, GoodsMovementRequest). */
export interface DatedRequest {
  postingDate?: string;
  documentDate?: string;
}

/** The furthest zone ahead of UTC (UTC+14): "today" somewhere on earth is never later than this instant's UTC date. */
const AHEAD_OF_UTC_MS = 14 * 3_600_000;

/**
 * The closed-period policy, for every ERP alike (docs/erp-orchestration.md, "Posting date"): post `request` under the
 * date it carries; when the ERP refuses that date because its period is closed (`ErpPeriodClosed`), post it again on
 * the first day of each later month in turn, up to the current month, with the production's date kept as
 * `documentDate` (SAP: DocumentDate of the material document, ConfirmedExecutionEndDate of the confirmation). The
 * first date the ERP takes is the first open period. Periods are calendar months (SAP fiscal year variant K4, the
 * simulator's); with other periods SAP refuses the first days that are not open and the next one is tried.
 *
 * Exactly once holds: every refused attempt was answered by the ERP, so nothing of it can commit; the posting key is
 * the same on each attempt and a later look-up finds the one that landed.
 * @param post sends one request and resolves with the ERP's document.
 * @param onMoved told of each retry at a later date (for the log), with the refusal that caused it.
 * @throws the ERP's error when it refuses for another reason, when the request carries no posting date, or when every
 *   period up to now is closed (a person opens one).
 */
export async function postInOpenPeriod<R extends DatedRequest, T>(
  request: R,
  post: (r: R) => Promise<T>,
  onMoved?: (moved: R, refusal: ErpPeriodClosed) => void,
  now = Date.now(),
): Promise<T> {
  try {
    return await post(request);
  } catch (err) {
    if (!(err instanceof ErpPeriodClosed) || !request.postingDate) throw err;
    let refusal = err;
    const until = new Date(now + AHEAD_OF_UTC_MS).toISOString().slice(0, 10);
    for (const start of laterPeriodStarts(request.postingDate, until)) {
      const moved = { ...request, postingDate: start, documentDate: request.documentDate ?? request.postingDate };
      onMoved?.(moved, refusal);
      try {
        return await post(moved);
      } catch (next) {
        if (!(next instanceof ErpPeriodClosed)) throw next;
        refusal = next;
      }
    }
    throw refusal;
  }
}
