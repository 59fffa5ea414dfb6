import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { OrderReleased } from '../contracts/messages/order-release.js';
import type { WorkOrderPhase, WorkOrderResult } from '../contracts/messages/work-order-status.js';
import { OWN_DATABASE } from './activity-options.js';
import {
  cancelOrderUpdate,
  changeReleaseUpdate,
  completeOrderSignal,
  erpOrderClosedSignal,
  holdOrderUpdate,
  labResultUpdate,
  productionCountsSignal,
  productionDeltasSignal,
  qualityDispositionUpdate,
  qualityHoldUpdate,
  resumeOrderUpdate,
  retryPostingSignal,
  statusQuery,
} from './definitions.js';
import { ReadModelWriter } from './read-model-writer.js';
import { OrderPhaseAttr, QualityHoldAttr } from './search-attributes.js';
import { withOrderComponents } from './backflush.js';
import { OrderGenealogy } from './genealogy.js';
import { erpPostings, WorkOrderPostings } from './work-order-postings.js';
import { WorkOrderState, type WorkOrderCarry } from './work-order-state.js';
import { PostingTrace } from './trace-context.js';

export interface WorkOrderInput {
  release: OrderReleased;
  carry?: WorkOrderCarry;
  /** Test-only: continue-as-new after this many events in one run, so tests exercise it without millions of events. */
  continueAsNewAfterEvents?: number;
}

const local = proxyLocalActivities<Pick<Activities, 'upsertWorkOrder' | 'loadOrderContext' | 'recordLateCounts'>>(OWN_DATABASE);
/** Alerts and warnings are best effort (the activity logs a failure and returns): one attempt, never a stalled order. */
const announce = proxyLocalActivities<Pick<Activities, 'publishQualityEvents'>>({ startToCloseTimeout: '5 seconds', retry: { maximumAttempts: 1 } });

/**
 * One work order from release to its final ERP confirmation; long-lived, continues-as-new with its state. Each
 * confirmation (partials every N units or minutes when the release asks, and the final) is a saga of postings
 * (work-order-postings.ts); the state and its rules are WorkOrderState (work-order-state.ts).
 */
export async function workOrderWorkflow(input: WorkOrderInput): Promise<WorkOrderResult> {
  // Every patch is checked here, in the first activation, before any await: a patch checked after a local activity's
  // result can fall in the next workflow task on the first run (the result closes the task) but be looked up in the
  // earlier one on replay, and the replay then fails with TMPRL1100 (seen under load on the order's first confirmation).
  // A posting's first attempt is a scheduled activity again: its input is in the history before it reaches the ERP, so
  // a worker killed after the ERP took it replays the same posting (a local first attempt ran inside the task, and a
  // task retried with more counts in it decided another posting under the same key). Runs recorded with local first
  // attempts replay them.
  const erp = erpPostings(!patched('erp-first-attempt-scheduled') && patched('erp-local-first-attempt'));
  // Runs recorded before the cumulative backflush replay their per-piece 261s as they ran.
  const cumulativeBackflush = patched('backflush-cumulative');
  // Runs recorded before it wrote their read model on phase changes only; new runs keep it live (read-model-writer.ts).
  const liveReadModel = patched('live-read-model');
  // Runs recorded before batches post their 261s without a batch choice and record no genealogy (docs/genealogy.md).
  const componentBatches = patched('component-batches');
  // Runs recorded before automatic quality take no measurements and no lab results (docs/quality.md).
  const automaticQuality = patched('quality-measurements');
  // Runs recorded before blocked stock never receive held units (docs/quality.md, "Blocked stock").
  const blockedStock = patched('blocked-stock');
  // Runs recorded before it judge a tag value as it comes, whatever its unit (docs/quality.md, "Units").
  const measurementUnits = patched('measurement-units');
  // Runs recorded before it received units released ahead and held again a second time (101 to blocked), not by 344.
  const blockedTransfer = patched('blocked-stock-344');
  const order = new WorkOrderState(workflowInfo().workflowId, input.release, input.carry);
  if (automaticQuality) order.expectQuality();
  order.blockedStockEnabled = blockedStock;
  order.blockedTransferEnabled = blockedTransfer;
  order.convertsUnits = measurementUnits;
  const writer = liveReadModel ? new ReadModelWriter(() => order.status(), (s, w) => local.upsertWorkOrder(s, w)) : undefined;
  if (writer) void writer.run();
  /** What an update answers: the new status (and the Web UI's current details and the read model follow). */
  const answer = () => {
    setCurrentDetails(order.describe());
    writer?.changed();
    return order.status();
  };
  const postingTrace = new PostingTrace();
  /** Counts applied (not a repeat, not kept aside as late): the read model follows within its interval. */
  const counted = (eventsBefore: number) => {
    setCurrentDetails(order.describe());
    if (order.eventsApplied !== eventsBefore) writer?.countsChanged();
  };
  setHandler(productionCountsSignal, (batch) => {
    postingTrace.capture();
    const before = order.eventsApplied;
    order.applyCounts(batch);
    counted(before);
  });
  setHandler(productionDeltasSignal, (d) => {
    postingTrace.capture();
    const before = order.eventsApplied;
    // A partly overlapping range cannot come from sealed outbox ranges (high-water.ts); it is refused, never counted twice.
    if (order.applyDeltas(d) === 'overlap') log.error('outbox range overlaps what was applied: refused', { fromSeq: d.fromSeq, toSeq: d.toSeq, source: d.source });
    counted(before);
  });
  setHandler(completeOrderSignal, (req) => order.requestCompletion(req));
  setHandler(retryPostingSignal, () => order.requestRetry());
  setHandler(erpOrderClosedSignal, (closed) => order.closeInErp(closed));
  setHandler(statusQuery, () => order.status());
  setHandler(holdOrderUpdate, (_cmd) => {
    order.hold();
    return answer();
  }, { validator: (_cmd) => order.checkHold() });
  setHandler(resumeOrderUpdate, (_cmd) => {
    order.resume();
    return answer();
  }, { validator: (_cmd) => order.checkResume() });
  setHandler(changeReleaseUpdate, (next) => {
    order.changeRelease(next);
    return answer();
  }, { validator: (next) => order.checkReleaseChange(next) });
  setHandler(qualityHoldUpdate, (cmd) => {
    order.qualityHold(cmd);
    return answer();
  }, { validator: (cmd) => order.checkQualityHold(cmd) });
  setHandler(qualityDispositionUpdate, (cmd) => {
    order.dispose(cmd.holdId, cmd.decision, cmd);
    return answer();
  }, { validator: (cmd) => void order.checkDisposition(cmd.holdId, cmd.decision, cmd.reworkOperation) });
  if (automaticQuality) {
    setHandler(labResultUpdate, (m) => {
      order.labResult(m);
      return answer();
    }, { validator: (m) => order.checkLabResult(m) });
  }
  setHandler(cancelOrderUpdate, async (cmd) => {
    order.cancel(cmd);
    // Taking postings back waits for the ERP; the caller gets an answer within seconds either way (`cancelling`).
    await condition(() => order.phase === 'cancelled', '10 seconds');
    return order.status();
  }, { validator: (_cmd) => order.checkCancel() });

  let published: WorkOrderPhase | undefined = input.carry ? order.phase : undefined;
  let publishedHold = false;
  /**
   * Search attributes and the read model follow the order; current details live in memory and may change as often.
   * A live read model is written at every step of the order (phase, postings, notifications); older runs wrote it on
   * phase changes only.
   */
  const publish = async () => {
    setCurrentDetails(order.describe());
    const onHold = order.qualityHeld > 0;
    if (onHold !== publishedHold) {
      publishedHold = onHold;
      upsertSearchAttributes([{ key: QualityHoldAttr, value: onHold }]);
    }
    if (published !== order.phase) {
      published = order.phase;
      upsertSearchAttributes([{ key: OrderPhaseAttr, value: order.phase }]);
      if (!writer) await local.upsertWorkOrder(order.status());
    }
    // Not `await writer?.flush()`: older runs must not take even an extra microtask turn here.
    if (writer) await writer.flush();
  };
  const shouldContinueAsNew = () =>
    workflowInfo().continueAsNewSuggested ||
    (input.continueAsNewAfterEvents !== undefined && order.eventsThisRun >= input.continueAsNewAfterEvents);

  /** A business refusal waits for a person; retrying on its own would only be refused again. */
  const parkUntilRetry = async (message: string) => {
    const resume = order.park(message);
    await publish();
    await condition(() => order.retryRequested);
    order.unpark(resume);
    await publish();
  };

  const { release } = order;
  // The ERP's own components (with their reservations) replace the plant file's BOM when the release carries them.
  const ctx = order.context ?? order.useContext(withOrderComponents(await local.loadOrderContext({ site: release.site, line: release.line, material: release.material }), release));
  const postings = new WorkOrderPostings(order, ctx, erp, parkUntilRetry, cumulativeBackflush, componentBatches ? new OrderGenealogy(order, ctx) : undefined);
  if (automaticQuality) order.enableQuality();
  const qualityEvents = () => order.quality !== null && order.quality.outbox.length > 0;
  await publish();
  // Workflow time (deterministic on replay); a new run after continue-as-new starts its period afresh.
  let lastConfirmationAt = Date.now();
  for (;;) {
    const wake = () => order.readyToConfirm || order.partialDue || order.unnotifiedHolds.length > 0 || order.cancelled !== null || order.erpClosed !== null ||
      order.phase !== published || (order.qualityHeld > 0) !== publishedHold || qualityEvents() || order.pendingRework.length > 0 ||
      order.pendingBlockedReceipts.length > 0 || order.pendingBlockedMoves.length > 0 || shouldContinueAsNew();
    // A timer only when the policy confirms by time, so orders without it keep their history's commands.
    const periodMs = order.policy.partialEveryMinutes === undefined ? undefined : order.policy.partialEveryMinutes * 60_000;
    let periodDue = false;
    if (periodMs === undefined) await condition(wake);
    else periodDue = !(await condition(wake, Math.max(1, lastConfirmationAt + periodMs - Date.now()))) && order.confirmable > 0;
    // An Update that woke the loop answers before the loop acts on it: its completion is then in the history before the
    // posting it caused, on the first run and on every replay alike. Left to the microtasks, the two raced: a disposition's
    // 343 was scheduled between the Update's acceptance and its completion, and a replay on another worker put them the
    // other way round (TMPRL1100, found by the soak). Not while a cancellation waits: its Update ends when the loop has
    // taken everything back. Runs recorded before blocked stock keep their order.
    if (blockedStock && order.cancelled === null) await condition(allHandlersFinished);
    if (qualityEvents()) {
      // Lost alerts are logged, never the order's failure: the holds themselves are in the order and the ERP.
      await announce.publishQualityEvents(order.quality!.takeOutbox()).catch((err: unknown) => log.warn('quality events not published', { error: String(err) }));
    }
    if (order.pendingRework.length > 0) {
      await postings.confirmRework();
      await publish();
      continue;
    }
    if (order.unnotifiedHolds.length > 0) {
      await postings.raiseNotifications();
      await publish();
      continue;
    }
    // Blocked stock moves before any confirmation: a released hold's units are received once, by their 101 to blocked.
    if (order.pendingBlockedReceipts.length > 0 || order.pendingBlockedMoves.length > 0) {
      await postings.receiveBlocked();
      await postings.settleBlocked();
      await publish();
      continue;
    }
    if (order.readyToConfirm || order.cancelled || order.erpClosed) break;
    if (order.partialDue || periodDue) {
      await postingTrace.run(() => postings.confirm(false));
      lastConfirmationAt = Date.now();
      writer?.changed(); // the confirmed quantity moved
      continue;
    }
    if (periodMs !== undefined && Date.now() - lastConfirmationAt >= periodMs) lastConfirmationAt = Date.now();
    if (shouldContinueAsNew()) {
      await condition(allHandlersFinished);
      return await continueAsNew<typeof workOrderWorkflow>({ ...input, release: order.release, carry: order.carry() });
    }
    await publish();
  }

  if (order.erpClosed) {
    // The ERP closed the order: counted units not yet confirmed stay unconfirmed, nothing is posted or taken back.
    order.closeAs('closed');
  } else if (order.cancelled) {
    if (order.standing.length > 0) {
      order.closeAs('cancelling');
      await publish();
      await postings.takeBack();
    }
    order.closeAs('cancelled');
  } else {
    order.closeAs('confirming');
    await publish();
    await postingTrace.run(() => postings.confirm(true));
    order.closeAs('confirmed');
  }
  await publish();
  // Counts that came while the order closed go to unassigned production; loop, as more may arrive meanwhile.
  while (order.lateCounts.length > 0) {
    await local.recordLateCounts({ site: release.site, line: release.line, counts: order.takeLateCounts() });
  }
  await condition(allHandlersFinished);
  // The result is not replayed against history, so adding the marks to it changes no command.
  const appliedThrough = order.appliedThrough();
  return { ...order.status(), ...(appliedThrough ? { appliedThrough } : {}) };
}
