import { z } from 'zod';
import { WorkOrderPhase } from '../../contracts/messages/work-order-status.js';

/** A shift of a line's calendar: its plant date, code and UTC bounds (ISO). */
const ShiftSlot = z.object({ date: z.string(), shiftCode: z.string(), startsAt: z.string(), endsAt: z.string() });

/** A line as the supervisor page lists it: its active order's figures from the read model and its current shift. */
export const SupervisorLine = z.object({
  site: z.string(),
  line: z.string(),
  name: z.string(),
  /** The order production goes to now (db/active-order.ts); null: none released or running. */
  activeOrder: z.object({
    workflowId: z.string(), erpOrderId: z.string(), material: z.string(), plannedQuantity: z.string(), unit: z.string(),
    phase: WorkOrderPhase, good: z.number(), scrap: z.number(), held: z.boolean(), qualityHeld: z.number(),
    /** Workflow time of the figures (ISO); null on rows written before it was kept. */
    asOf: z.string().nullable(),
  }).nullable(),
  /** The shift the line's calendar has now, for `GET /shifts/:site/:line/:date/:shiftCode`; null between shifts. */
  shift: ShiftSlot.nullable(),
});
export const SupervisorLines = z.object({ lines: z.array(SupervisorLine) });
export const TicketResponse = z.object({ ticket: z.string(), expiresAt: z.string() });
export const EventsQuery = z.object({ ticket: z.string().min(1, 'required: POST /supervisor/tickets gives one').max(100) });
