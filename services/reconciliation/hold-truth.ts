import type { WorkOrderStatus } from '../../contracts/messages/work-order-status.js';
import type { ShopFloorTruth } from './compare.js';

/**
 * What an order's quality holds put into the ERP besides its confirmations, from its status: the yield confirmed on
 * rework operations, the units its holds keep in blocked stock, and the units received beyond the confirmed yield
 * (still blocked, scrapped out of blocked stock, or released ahead of their confirmation). A cancelled order took all
 * of it back. Units in the order's unit; pure, throws nothing.
 */
export function heldStockTruth(status: Pick<WorkOrderStatus, 'phase' | 'operation' | 'qualityHolds' | 'receivedAhead'>):
  Pick<ShopFloorTruth, 'operation' | 'reworkConfirmed' | 'blocked' | 'receivedBeyondConfirmed'> {
  if (status.phase === 'cancelled') return { operation: status.operation, reworkConfirmed: 0, blocked: 0, receivedBeyondConfirmed: 0 };
  let reworkConfirmed = 0;
  let blocked = 0;
  let scrapped = 0;
  for (const h of status.qualityHolds) {
    if (h.reworkConfirmation) reworkConfirmed += h.quantity;
    if (h.blockedStock?.settled === null) blocked += h.blockedStock.received;
    if (h.blockedStock?.settled === 'scrapped') scrapped += h.blockedStock.received;
  }
  return { operation: status.operation, reworkConfirmed, blocked, receivedBeyondConfirmed: blocked + scrapped + (status.receivedAhead ?? 0) };
}
