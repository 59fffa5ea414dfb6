import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { OrderContext } from '../activities/master-data.js';
import type { OrderReleased } from '../contracts/messages/order-release.js';
import type { PlannerCommand } from '../contracts/messages/planner-command.js';
import type { WorkOrderPhase, WorkOrderStatus } from '../contracts/messages/work-order-status.js';
import { componentQuantities } from './backflush.js';
import {
  cancelOrderUpdate,
  changeReleaseUpdate,
  completeOrderSignal,
  holdOrderUpdate,
  productionCountsSignal,
  qualityDispositionUpdate,
  qualityHoldUpdate,
  resumeOrderUpdate,
  retryPostingSignal,
  statusQuery,
} from './definitions.js';
import { ERP_CALLS, ERP_FIRST_ATTEMPT, OWN_DATABASE, refusal } from './activity-options.js';
import { OrderPhaseAttr, QualityHoldAttr } from './search-attributes.js';
import { FINAL_CONFIRMATION_SEQ, WorkOrderState, type StandingPosting, type WorkOrderCarry } from './work-order-state.js';

export interface WorkOrderInput {
  release: OrderReleased;
  carry?: WorkOrderCarry;
  /** Test-only: continue-as-new after this many events in one run, so tests exercise it without millions of events. */
  continueAsNewAfterEvents?: number;
}

type ErpPostings = Pick<Activities,
  'postConfirmation' | 'postGoodsIssue' | 'postGoodsReceipt' | 'reverseGoodsIssue' | 'reverseGoodsReceipt' | 'cancelConfirmation' | 'raiseQualityNotification'>;
const erpRetrying = proxyActivities<ErpPostings>(ERP_CALLS);
const erpFirstAttempt = proxyLocalActivities<ErpPostings>(ERP_FIRST_ATTEMPT);
/**
 * The ERP postings of one run: a local first attempt, then regular retries. `localFirst` comes from a patch checked
 * once at the start of the run, so histories recorded before local first attempts replay as they ran.
 */
function erpPostings(localFirst: boolean): ErpPostings {
  const posting = <K extends keyof ErpPostings>(name: K): ErpPostings[K] => {
    const retrying = erpRetrying[name] as (input: unknown) => Promise<unknown>;
    const first = erpFirstAttempt[name] as (input: unknown) => Promise<unknown>;
    if (!localFirst) return retrying as ErpPostings[K];
    return (async (input: unknown) => {
      try {
        return await first(input);
      } catch (err) {
        if (refusal(err)) throw err;
        return await retrying(input);
      }
    }) as ErpPostings[K];
  };
  return {
    postConfirmation: posting('postConfirmation'),
    postGoodsIssue: posting('postGoodsIssue'),
    postGoodsReceipt: posting('postGoodsReceipt'),
    reverseGoodsIssue: posting('reverseGoodsIssue'),
    reverseGoodsReceipt: posting('reverseGoodsReceipt'),
    cancelConfirmation: posting('cancelConfirmation'),
    raiseQualityNotification: posting('raiseQualityNotification'),
  };
}

const local = proxyLocalActivities<Pick<Activities, 'upsertWorkOrder' | 'loadOrderContext' | 'recordLateCounts'>>(OWN_DATABASE);

/**
 * One work order from release to its final ERP confirmation; long-lived, continues-as-new with its state. Each
 * confirmation (partials every N units when the release asks, and the final) is a saga: backflush 261 with its 262
 * compensation registered first, then the confirmation, then the goods receipt 101 where configured.
 */
export async function workOrderWorkflow(input: WorkOrderInput): Promise<WorkOrderStatus> {
  const erp = erpPostings(patched('erp-local-first-attempt'));
  const order = new WorkOrderState(workflowInfo().workflowId, input.release, input.carry);
  let retryRequested = false;
  setHandler(productionCountsSignal, (batch) => {
    order.applyCounts(batch);
    setCurrentDetails(order.describe());
  });
  setHandler(completeOrderSignal, (req) => order.requestCompletion(req));
  setHandler(retryPostingSignal, () => {
    retryRequested = true;
  });
  setHandler(statusQuery, () => order.status());
  const open = () => order.phase === 'released' || order.phase === 'running';
  setHandler(holdOrderUpdate, (_cmd: PlannerCommand) => {
    order.held = true;
    setCurrentDetails(order.describe());
    return order.status();
  }, {
    validator: (_cmd: PlannerCommand) => {
      if (!open() || order.held) throw new Error(`order is ${order.held ? 'already held' : order.phase}: only a running or released order can be held`);
    },
  });
  setHandler(resumeOrderUpdate, (_cmd: PlannerCommand) => {
    order.held = false;
    setCurrentDetails(order.describe());
    return order.status();
  }, {
    validator: (_cmd: PlannerCommand) => {
      if (!order.held) throw new Error('order is not held');
    },
  });
  setHandler(changeReleaseUpdate, (next: OrderReleased) => {
    order.release = { ...order.release, quantity: next.quantity, plannedStart: next.plannedStart, plannedEnd: next.plannedEnd, releasedAt: next.releasedAt };
    setCurrentDetails(order.describe());
    return order.status();
  }, {
    validator: (next: OrderReleased) => {
      const refusal = order.refusesReleaseChange(next);
      if (refusal) throw new Error(refusal);
    },
  });
  setHandler(qualityHoldUpdate, (cmd) => {
    // The hold's id is its notification's posting sequence: the notification is raised once, whenever it gets out.
    order.qualityHolds.push({ id: order.allocatePostingSeq(), quantity: cmd.quantity, defectText: cmd.defectText, requestedBy: cmd.requestedBy, notification: null, disposition: null });
    setCurrentDetails(order.describe());
    return order.status();
  }, {
    validator: (cmd) => {
      if (!Number.isInteger(cmd.quantity) || cmd.quantity <= 0) throw new Error(`quantity must be a positive whole number of ${order.release.unit}`);
      const refusal = order.refusesQualityHold(cmd.quantity);
      if (refusal) throw new Error(refusal);
    },
  });
  setHandler(qualityDispositionUpdate, (cmd) => {
    order.dispose(cmd.holdId, cmd.decision);
    setCurrentDetails(order.describe());
    return order.status();
  }, {
    validator: (cmd) => {
      const hold = order.qualityHolds.find((h) => h.id === cmd.holdId);
      if (!hold) throw new Error(`no quality hold ${cmd.holdId} on this order`);
      if (hold.disposition !== null) throw new Error(`quality hold ${cmd.holdId} was already decided: ${hold.disposition}`);
    },
  });
  setHandler(cancelOrderUpdate, async (cmd) => {
    order.cancelled = cmd;
    // Taking postings back waits for the ERP; the caller gets an answer within seconds either way (`cancelling`).
    await condition(() => order.phase === 'cancelled', '10 seconds');
    return order.status();
  }, {
    validator: (_cmd: PlannerCommand) => {
      const refusal = order.refusesCancel();
      if (refusal) throw new Error(refusal);
    },
  });

  let published: WorkOrderPhase | undefined = input.carry ? order.phase : undefined;
  let publishedHold = false;
  const publish = async () => {
    // Current details live in memory (answered by a query), so they may change as often as the order does.
    setCurrentDetails(order.describe());
    const onHold = order.qualityHeld > 0;
    if (onHold !== publishedHold) {
      publishedHold = onHold;
      upsertSearchAttributes([{ key: QualityHoldAttr, value: onHold }]);
    }
    if (published === order.phase) return;
    published = order.phase;
    upsertSearchAttributes([{ key: OrderPhaseAttr, value: order.phase }]);
    await local.upsertWorkOrder(order.status());
  };
  const shouldContinueAsNew = () =>
    workflowInfo().continueAsNewSuggested ||
    (input.continueAsNewAfterEvents !== undefined && order.eventsThisRun >= input.continueAsNewAfterEvents);

  /** A business refusal waits for a person; retrying on its own would only be refused again. */
  const parkUntilRetry = async (message: string) => {
    const resume = order.phase;
    order.exception = message;
    order.phase = 'exception';
    // Reset before publishing: a person may answer while the read model is being written.
    retryRequested = false;
    await publish();
    await condition(() => retryRequested);
    order.phase = resume;
    await publish();
  };

  /** Runs one ERP step until the ERP takes it: a refusal waits for a person's retry, then the same step again. */
  const untilAccepted = async <T>(step: () => Promise<T>): Promise<T> => {
    for (;;) {
      try {
        const result = await step();
        order.exception = null;
        return result;
      } catch (err) {
        const refused = refusal(err);
        if (!refused) throw err;
        await parkUntilRetry(refused.message);
      }
    }
  };

  /** Posts one confirmation of everything counted since the last one, with its backflush and goods receipt. */
  const whereOf = (ctx: OrderContext) =>
    ({ workflowId: order.workflowId, erpOrderId: order.release.erpOrderId, plant: ctx.plant, storageLocation: ctx.storageLocation });
  const confirm = async (ctx: OrderContext, isFinal: boolean) => {
    const confirmationSeq = isFinal ? FINAL_CONFIRMATION_SEQ : order.allocatePostingSeq();
    const where = whereOf(ctx);
    const { yieldQty, scrapQty, landed, posted } = await untilAccepted(async () => {
      // Held units stay out until a person decides; scrapped ones come back as scrap.
      const yieldQty = order.confirmable;
      // Reserved while it is posted: a hold arriving meanwhile can only take units outside this confirmation.
      order.postingYield = yieldQty;
      const scrapQty = order.scrap - order.confirmedScrap;
      const items = componentQuantities(ctx.bom, yieldQty);
      const landed: StandingPosting[] = [];
      let compensate: (() => Promise<unknown>) | undefined;
      try {
        if (items.length > 0) {
          // A retry after a refusal issues under new numbers: the old 261 key may hold a document already reversed.
          const goodsIssueSeq = order.allocatePostingSeq();
          landed.push({ kind: 'goods-issue', seq: goodsIssueSeq, items, yieldQty: 0, scrapQty: 0 });
          const reversalSeq = order.allocatePostingSeq();
          // Registered before the call: a 261 whose reply was lost may still have landed, and must be reversed too.
          compensate = () => erp.reverseGoodsIssue({ ...where, items, postingSeq: reversalSeq, goodsIssueSeq });
          await erp.postGoodsIssue({ ...where, items, postingSeq: goodsIssueSeq });
        }
        const posted = await erp.postConfirmation({
          workflowId: order.workflowId,
          postingSeq: confirmationSeq,
          erpOrderId: order.release.erpOrderId,
          operation: order.release.operation,
          yieldQty: String(yieldQty),
          scrapQty: String(scrapQty),
          unit: order.release.unit,
          isFinal,
          check: {
            confirmedBefore: order.confirmedGood,
            plannedQuantity: order.release.quantity,
            overdeliveryTolerancePct: order.policy.overdeliveryTolerancePct,
            materialUnit: ctx.materialUnit,
            orderUnit: order.release.unit,
            countedGood: order.good,
            heldQty: order.qualityHeld,
          },
        });
        return { yieldQty, scrapQty, landed, posted };
      } catch (err) {
        // A refused confirmation takes its backflush back first; a refused reversal waits for a person in turn.
        if (refusal(err) && compensate) await untilAccepted(compensate);
        throw err;
      } finally {
        order.postingYield = 0;
      }
    });
    order.confirmedGood += yieldQty;
    order.confirmedScrap += scrapQty;
    order.standing.push(...landed, { kind: 'confirmation', seq: confirmationSeq, items: [], yieldQty, scrapQty });
    order.confirmationDocument = posted.document;
    if (!order.policy.goodsReceipt || yieldQty === 0) return;
    // After the confirmation stands, a refused goods receipt reverses nothing: it waits for a person, same key.
    const receiptSeq = order.allocatePostingSeq();
    const receipt = [{ material: order.release.material, quantity: String(yieldQty), unit: order.release.unit }];
    await untilAccepted(() => erp.postGoodsReceipt({ ...where, items: receipt, postingSeq: receiptSeq }));
    order.standing.push({ kind: 'goods-receipt', seq: receiptSeq, items: receipt, yieldQty: 0, scrapQty: 0 });
  };

  /** A cancelled order's postings taken back, the last first: 102 for a receipt, cancellation, 262 for a backflush. */
  const takeBack = async (ctx: OrderContext) => {
    const where = whereOf(ctx);
    for (let p = order.standing.at(-1); p; p = order.standing.at(-1)) {
      const postingSeq = order.allocatePostingSeq();
      const standing = p;
      await untilAccepted(() => {
        if (standing.kind === 'goods-receipt') return erp.reverseGoodsReceipt({ ...where, items: standing.items, postingSeq, goodsReceiptSeq: standing.seq });
        if (standing.kind === 'goods-issue') return erp.reverseGoodsIssue({ ...where, items: standing.items, postingSeq, goodsIssueSeq: standing.seq });
        return erp.cancelConfirmation({ workflowId: order.workflowId, erpOrderId: order.release.erpOrderId, postingSeq, confirmationSeq: standing.seq });
      });
      order.confirmedGood -= p.yieldQty;
      order.confirmedScrap -= p.scrapQty;
      order.standing.pop();
      setCurrentDetails(order.describe());
    }
  };

  /** Quality notifications of new holds, each exactly once under its hold's sequence; a refusal waits for a person. */
  const raiseNotifications = async (ctx: OrderContext) => {
    for (const hold of order.qualityHolds.filter((h) => h.notification === null)) {
      const raised = await untilAccepted(async () => {
        if (!ctx.plant) throw ApplicationFailure.nonRetryable(`line ${order.release.line} has no ERP plant: no quality notification can be raised`, 'BusinessRuleViolation');
        return erp.raiseQualityNotification({
          workflowId: order.workflowId, postingSeq: hold.id, erpOrderId: order.release.erpOrderId, material: order.release.material,
          plant: ctx.plant, quantity: String(hold.quantity), unit: order.release.unit, defectText: hold.defectText,
          // SAP user names are 12 characters at most.
          reportedBy: hold.requestedBy.slice(0, 12),
        });
      });
      hold.notification = raised.document;
    }
  };


  const { release } = order;
  order.context ??= await local.loadOrderContext({ site: release.site, line: release.line, material: release.material });
  const ctx = order.context;
  await publish();
  // Workflow time (deterministic on replay); a new run after continue-as-new starts its period afresh.
  let lastConfirmationAt = Date.now();
  for (;;) {
    const notificationsDue = () => order.qualityHolds.some((h) => h.notification === null);
    const wake = () => order.readyToConfirm || order.partialDue || notificationsDue() || order.cancelled !== null || order.phase !== published ||
      (order.qualityHeld > 0) !== publishedHold || shouldContinueAsNew();
    // A timer only when the policy confirms by time, so orders without it keep their history's commands.
    const periodMs = order.policy.partialEveryMinutes === undefined ? undefined : order.policy.partialEveryMinutes * 60_000;
    let periodDue = false;
    if (periodMs === undefined) await condition(wake);
    else periodDue = !(await condition(wake, Math.max(1, lastConfirmationAt + periodMs - Date.now()))) && order.confirmable > 0;
    if (notificationsDue()) {
      await raiseNotifications(ctx);
      await publish();
      continue;
    }
    if (order.readyToConfirm || order.cancelled) break;
    if (order.partialDue || periodDue) {
      await confirm(ctx, false);
      lastConfirmationAt = Date.now();
      continue;
    }
    if (periodMs !== undefined && Date.now() - lastConfirmationAt >= periodMs) lastConfirmationAt = Date.now();
    if (shouldContinueAsNew()) {
      await condition(allHandlersFinished);
      return await continueAsNew<typeof workOrderWorkflow>({ ...input, release: order.release, carry: order.carry() });
    }
    await publish();
  }

  order.closing = true;
  if (order.cancelled) {
    if (order.standing.length > 0) {
      order.phase = 'cancelling';
      await publish();
      await takeBack(ctx);
    }
    order.phase = 'cancelled';
  } else {
    order.phase = 'confirming';
    await publish();
    await confirm(ctx, true);
    order.phase = 'confirmed';
  }
  await publish();
  // Counts that came while the order closed go to unassigned production; loop, as more may arrive meanwhile.
  while (order.lateCounts.length > 0) {
    await local.recordLateCounts({ site: release.site, line: release.line, counts: order.lateCounts.splice(0) });
  }
  await condition(allHandlersFinished);
  return order.status();
}
