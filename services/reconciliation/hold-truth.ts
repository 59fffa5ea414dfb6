import type { WorkOrderStatus } from '../../contracts/messages/work-order-status.js';
import type { ShopFloorTruth } from './compare.js';

/**
 * What an order's quality holds put into the ERP besides its confirmations, from its status: the yield confirmed on
 * rework operations, the units its holds keep in blocked stock (until their 343 or 555), and the units received beyond
 * the confirmed yield (held or scrapped after their blocked receipt, or good again and not yet confirmed). A cancelled order took all
 * of it back. Units in the order's unit; pure, throws nothing.
 */
export function heldStockTruth(status: Pick<WorkOrderStatus, 'phase' | 'operation' | 'qualityHolds' | 'receivedAhead'>):
  Pick<ShopFloorTruth, 'operation' | 'reworkConfirmed' | 'blocked' | 'receivedBeyondConfirmed'> {
  if (status.phase === 'cancelled') return { operation: status.operation, reworkConfirmed: 0, blocked: 0, receivedBeyondConfirmed: 0 };
  let reworkConfirmed = 0;
  let blocked = 0;
  let notGood = 0;
  for (const h of status.qualityHolds) {
    if (h.reworkConfirmation) reworkConfirmed += h.quantity;
    const received = h.blockedStock?.received ?? 0;
    if (h.blockedStock?.settled === null) blocked += received;
    // Good again (released, reworked and confirmed): counted in `receivedAhead` until a confirmation takes them.
    const goodAgain = h.disposition === 'release' || (h.disposition === 'rework' && Boolean(h.reworkConfirmation));
    if (!goodAgain) notGood += received;
  }
  return { operation: status.operation, reworkConfirmed, blocked, receivedBeyondConfirmed: notGood + (status.receivedAhead ?? 0) };
}
