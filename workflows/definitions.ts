import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Measurement } from '../contracts/messages/inspection.js';
import type { MachineEventBatch } from '../contracts/messages/machine-event.js';
import type { OrderReleased } from '../contracts/messages/order-release.js';
import type { MachineDeltas, ProductionDeltas } from '../contracts/messages/outbox-delta.js';
import type { PlannerCommand, QualityDisposition, QualityHoldCommand, RetryPosting } from '../contracts/messages/planner-command.js';
import type { CompleteOrder, ProductionCountBatch } from '../contracts/messages/production-count.js';
import type { ShiftHandover, ShiftSummary, StopReclassification } from '../contracts/messages/shift.js';
import type { ErpOrderClosed, WorkOrderStatus } from '../contracts/messages/work-order-status.js';

// Types only from contracts, so zod stays out of the workflow bundle.
export const productionCountsSignal = defineSignal<[ProductionCountBatch]>('productionCounts');
export const completeOrderSignal = defineSignal<[CompleteOrder]>('completeOrder');
export const retryPostingSignal = defineSignal<[RetryPosting]>('retryPosting');
export const statusQuery = defineQuery<WorkOrderStatus>('status');

// Planner commands that need an answer: validated before anything is written, answered with the new status.
export const holdOrderUpdate = defineUpdate<WorkOrderStatus, [PlannerCommand]>('holdOrder');
export const resumeOrderUpdate = defineUpdate<WorkOrderStatus, [PlannerCommand]>('resumeOrder');
export const cancelOrderUpdate = defineUpdate<WorkOrderStatus, [PlannerCommand]>('cancelOrder');
export const qualityHoldUpdate = defineUpdate<WorkOrderStatus, [QualityHoldCommand]>('qualityHold');
export const qualityDispositionUpdate = defineUpdate<WorkOrderStatus, [QualityDisposition]>('qualityDisposition');
/** A lab result of one of the order's inspection characteristics, judged like a tag value (docs/quality.md). */
export const labResultUpdate = defineUpdate<WorkOrderStatus, [Measurement]>('labResult');
/** ERP released the order again with another quantity or dates: the running order follows, no second workflow. */
export const changeReleaseUpdate = defineUpdate<WorkOrderStatus, [OrderReleased]>('changeRelease');
/** The ERP closed the order itself (SAP TECO or deletion flag): no more counts, no more postings (services/sap-intake.ts). */
export const erpOrderClosedSignal = defineSignal<[ErpOrderClosed]>('erpOrderClosed');

/** A line's machine events, delivered to its shift workflow; the string is in recorded histories and must not change. */
export const machineEventsSignal = defineSignal<[MachineEventBatch]>('machineEvents');
export const shiftStatusQuery = defineQuery<ShiftSummary>('shiftStatus');
/** The previous shift's machine states at the boundary (contracts/messages/shift.ts `ShiftHandover`). */
export const shiftHandoverSignal = defineSignal<[ShiftHandover]>('shiftHandover');
/** An operator's reason for a stop; refused (validator) for an unknown reason or before the line's master data is loaded. */
export const reclassifyStopUpdate = defineUpdate<ShiftSummary, [StopReclassification]>('reclassifyStop');

// Outbox deltas (issue 17): summed per workflow by the bridge, applied once per sequence range. The old batch signals
// above stay registered: recorded histories replay them, and assigning unassigned production still uses
// `productionCounts` with the original event ids.
export const productionDeltasSignal = defineSignal<[ProductionDeltas]>('productionDeltas');
export const machineDeltasSignal = defineSignal<[MachineDeltas]>('machineDeltas');
/**
 * The unassigned-production id of one machine's pieces in an outbox range that reached a closed order. The workflow
 * (late counts) and the relay (order gone) build the same id, so the pieces are recorded once whichever does it.
 */
export const outboxRangeCountId = (workflowId: string, fromSeq: number, toSeq: number, machine: string): string =>
  `${workflowId}#${fromSeq}-${toSeq}:${machine}`;

// The exception inbox's routing workflow (workflows/exception-routing.ts, docs/exceptions.md).

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
