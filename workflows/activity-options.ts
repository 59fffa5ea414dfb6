import { ActivityFailure, ApplicationFailure, type ActivityOptions, type LocalActivityOptions } from '@temporalio/workflow';

/** Failures a person must resolve: the ERP refused on business grounds, or our own rules refused before posting. */
const REFUSALS = ['ErpRejected', 'BusinessRuleViolation'];

/**
 * Every ERP call of every workflow: the ERP may be down for hours, so retry without a cap and back off to a minute; a
 * refusal is not retried. Every ERP call of an attempt ends before start-to-close (erp/attempt-deadline.ts).
 */
export const ERP_CALLS: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: REFUSALS },
};

/**
 * The first attempt of a work order's posting as a local activity, for runs recorded with it (workflows/work-order.ts):
 * new runs schedule every attempt, since a local attempt's input is not in the history when it reaches the ERP.
 */
export const ERP_FIRST_ATTEMPT: LocalActivityOptions = { startToCloseTimeout: '20 seconds', retry: { maximumAttempts: 1, nonRetryableErrorTypes: REFUSALS } };

/** Our own PostgreSQL, milliseconds away: local activities, with no task queue round trip and fewer history events. */
export const OWN_DATABASE: LocalActivityOptions = { startToCloseTimeout: '10 seconds', retry: { initialInterval: '1 second', maximumInterval: '30 seconds' } };

/**
 * The refusal a person must resolve, or undefined for failures that retrying can fix. A regular activity's failure
 * arrives as an ActivityFailure around the ApplicationFailure; a local activity's arrives as the ApplicationFailure.
 */
export function refusal(err: unknown): ApplicationFailure | undefined {
  const failure = err instanceof ActivityFailure ? err.cause : err;
  if (failure instanceof ApplicationFailure && REFUSALS.includes(failure.type ?? '')) return failure;
  return undefined;
}

/**
 * Our own PostgreSQL as scheduled activities: for a choice that must be in the history before it is made (a 261's
 * component batches, workflows/genealogy.ts). Retried without a cap, as the database comes back.
 */
export const OWN_DATABASE_SCHEDULED: ActivityOptions = { startToCloseTimeout: '10 seconds', retry: { initialInterval: '1 second', maximumInterval: '30 seconds' } };
