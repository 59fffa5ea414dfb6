import { WorkOrderPhase } from '../contracts/messages/work-order-status.js';

/**
 * An order's phase as the read model holds it: `work_orders.status` is a text column, so a row is narrowed to a
 * `WorkOrderPhase` where it is read, and a value the code does not know (a row written by another version of the
 * engine, a hand edit) fails loudly, naming the order and the value, instead of travelling on as a phase.
 * @throws Error when `status` is not a `WorkOrderPhase`.
 */
export function phaseOfRow(row: { workflowId: string; status: string }): WorkOrderPhase {
  const r = WorkOrderPhase.safeParse(row.status);
  if (!r.success) throw new Error(`work_orders.status of ${row.workflowId} is '${row.status}', not an order phase (${WorkOrderPhase.options.join(', ')})`);
  return r.data;
}
