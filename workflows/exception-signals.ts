import { defineSignal } from '@temporalio/workflow';

/** Who did it, for the routing's log; the record in PostgreSQL holds the rest. */
export interface ExceptionActor {
  by: string;
}

/** A person has the exception: escalation stops (the API's acknowledge and assign). */
export const exceptionAcknowledgedSignal = defineSignal<[ExceptionActor]>('exceptionAcknowledged');
/** The record is resolved: the routing ends. */
export const exceptionResolvedSignal = defineSignal<[ExceptionActor]>('exceptionResolved');
/** A person asks for the next level now (the `escalate` action), acknowledged or not. */
export const exceptionEscalateSignal = defineSignal<[ExceptionActor]>('exceptionEscalate');

/** Task queue of the exception inbox's worker (services/exceptions/worker.ts). */
export const EXCEPTION_TASK_QUEUE = 'mes-exceptions';
/** One routing per record: a restart, a redelivery or a second inbox finds the same workflow. */
export const exceptionWorkflowId = (recordId: number) => `exception-${recordId}`;
