import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { OrderReleased } from '../contracts/messages/order-release.js';
import type { WorkOrderPhase, WorkOrderStatus } from '../contracts/messages/work-order-status.js';
import { completeOrderSignal, productionCountsSignal, retryPostingSignal, statusQuery } from './definitions.js';
import { OrderStatusAttr } from './search-attributes.js';
import { WorkOrderState, type WorkOrderCarry } from './work-order-state.js';

export interface WorkOrderInput {
  release: OrderReleased;
  carry?: WorkOrderCarry;
  /** Test-only: continue-as-new after this many events in one run, so tests exercise it without millions of events. */
  continueAsNewAfterEvents?: number;
}

// The ERP may be down for hours: retry without a cap, back off to a minute. The adapter's HTTP timeout (15 s) is
// below start-to-close, so two attempts of one posting never overlap.
const erp = proxyActivities<Pick<Activities, 'postConfirmation'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 ms', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: ['ErpRejected'] },
});
const readModel = proxyActivities<Pick<Activities, 'upsertWorkOrder'>>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** The final confirmation is posting 1 of the order; later slices number partial confirmations after it. */
const FINAL_CONFIRMATION_SEQ = 1;

/** One work order from release to its final ERP confirmation; long-lived, continues-as-new with its state. */
export async function workOrderWorkflow(input: WorkOrderInput): Promise<WorkOrderStatus> {
  const order = new WorkOrderState(workflowInfo().workflowId, input.release, input.carry);
  let retryRequested = false;
  setHandler(productionCountsSignal, (batch) => order.applyCounts(batch));
  setHandler(completeOrderSignal, (req) => order.requestCompletion(req));
  setHandler(retryPostingSignal, () => {
    retryRequested = true;
  });
  setHandler(statusQuery, () => order.status());

  let published: WorkOrderPhase | undefined = input.carry ? order.phase : undefined;
  const publish = async () => {
    if (published === order.phase) return;
    published = order.phase;
    upsertSearchAttributes([{ key: OrderStatusAttr, value: order.phase }]);
    await readModel.upsertWorkOrder(order.status());
  };
  const shouldContinueAsNew = () =>
    workflowInfo().continueAsNewSuggested ||
    (input.continueAsNewAfterEvents !== undefined && order.eventsThisRun >= input.continueAsNewAfterEvents);

  await publish();
  for (;;) {
    await condition(() => order.readyToConfirm || order.phase !== published || shouldContinueAsNew());
    if (order.readyToConfirm) break;
    if (shouldContinueAsNew()) {
      await condition(allHandlersFinished);
      return await continueAsNew<typeof workOrderWorkflow>({ ...input, carry: order.carry() });
    }
    await publish();
  }

  order.phase = 'confirming';
  await publish();
  for (;;) {
    try {
      const posted = await erp.postConfirmation({
        workflowId: order.workflowId,
        postingSeq: FINAL_CONFIRMATION_SEQ,
        erpOrderId: order.release.erpOrderId,
        operation: order.release.operation,
        yieldQty: String(order.good),
        scrapQty: String(order.scrap),
        unit: order.release.unit,
        isFinal: true,
      });
      order.confirmationDocument = posted.document;
      order.exception = null;
      order.phase = 'confirmed';
      await publish();
      return order.status();
    } catch (err) {
      if (!(err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === 'ErpRejected'))
        throw err;
      // A business rejection waits for a person; retrying on its own would only be rejected again.
      order.exception = err.cause.message;
      order.phase = 'exception';
      // Reset before publishing: a person may answer while the read model is being written.
      retryRequested = false;
      await publish();
      await condition(() => retryRequested);
      order.phase = 'confirming';
      await publish();
    }
  }
}
