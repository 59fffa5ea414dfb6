import type { WorkOrderStatus } from '../contracts/messages/work-order-status.js';
import type { WorkOrderState } from './work-order-state.js';

// How a work order shows itself: the Web UI's current details and the status answered to queries and the read model.

/** One line for the Web UI's "Current Details": what the order is doing or waiting for. */
export function describeOrder(order: WorkOrderState): string {
  const qty = `${order.good} of ${order.release.quantity} ${order.release.unit} good, ${order.scrap} scrap`;
  if (order.held) {
    // A `hold-pause` characteristic holds the order itself; a planner resumes it either way.
    const paused = order.qualityHolds.find((h) => h.characteristic !== undefined && h.disposition === null && order.quality?.pauses(h.characteristic));
    return paused
      ? `Held: ${paused.characteristic} out of specification (hold #${paused.id}, ${order.qualityHeld} ${order.release.unit} held; ${qty}); nothing is confirmed until a planner resumes it.`
      : `Held by a planner (${qty}); nothing is confirmed until it is resumed.`;
  }
  const open = order.qualityHolds.filter((h) => h.disposition === null);
  if (open.length > 0 && order.isOpen)
    return `Running on ${order.release.line}: ${qty}; ${order.qualityHeld} ${order.release.unit} under quality hold ` +
      `(${open.map((h) => `#${h.id} ${h.notification ? `notification ${h.notification}` : 'notification not yet in the ERP'}${h.blockedStock ? `, ${h.blockedStock.received} in blocked stock` : ''}`).join(', ')}), waiting for a disposition.`;
  switch (order.phase) {
    case 'released':
      return `Released; waiting for the first counts from ${order.release.line}.`;
    case 'running':
      return `Running on ${order.release.line}: ${qty}; confirmed so far ${order.confirmedGood}.`;
    case 'confirming':
      return `Posting the final confirmation to the ERP (${qty}); retrying while the ERP is unreachable.`;
    case 'exception':
      return `Waiting for a person: the ERP refused a posting (${order.exception ?? 'no message'}). Fix it in the ERP, then retry-posting.`;
    case 'confirmed':
      return `Confirmed in the ERP (document ${order.confirmationDocument ?? '-'}): ${qty}.`;
    case 'cancelling':
      return `Cancelled by a planner (${qty}): taking its postings back from the ERP, the last first; ${order.standing.length} left.`;
    case 'cancelled':
      return `Cancelled by a planner (${qty}); nothing of it stands in the ERP.`;
    case 'closed':
      return `Closed in the ERP (${order.erpClosed?.reason ?? 'closed'}) with ${qty}; confirmed ${order.confirmedGood}, nothing more is posted.`;
  }
}

/** What a status query, the read model and the planner API answer. */
export function orderStatus(order: WorkOrderState): WorkOrderStatus {
  const r = order.release;
  return {
    workflowId: order.workflowId,
    site: r.site,
    erpOrderId: r.erpOrderId,
    line: r.line,
    material: r.material,
    operation: r.operation,
    plannedQuantity: r.quantity,
    unit: r.unit,
    phase: order.phase,
    good: order.good,
    scrap: order.scrap,
    eventsApplied: order.eventsApplied,
    duplicatesDropped: order.duplicatesDropped,
    confirmedGood: order.confirmedGood,
    confirmedScrap: order.confirmedScrap,
    goodsReceipt: order.policy.goodsReceipt,
    ...(order.receivedAhead ? { receivedAhead: order.receivedAhead } : {}),
    held: order.held,
    qualityHeld: order.qualityHeld,
    qualityHolds: order.qualityHolds,
    context: order.context,
    confirmationDocument: order.confirmationDocument,
    exception: order.exception,
    releasedAt: r.releasedAt,
    plannedStart: r.plannedStart ?? null,
    plannedEnd: r.plannedEnd ?? null,
    ...(order.erpClosed ? { erpClosed: order.erpClosed } : {}),
  };
}
