import { z } from 'zod';
import { ShiftSummary } from '../../contracts/messages/shift.js';
import { WorkOrderPhase } from '../../contracts/messages/work-order-status.js';
import { ErpOrderId, Token } from '../../contracts/tokens.js';

export const UnassignedQuery = z.object({ site: Token, line: Token.optional() });
export const UnassignedRow = z.object({
  eventId: z.string(), line: z.string(), machine: z.string(), sourceTime: z.string(), good: z.number(), scrap: z.number(), reason: z.string(),
});
export const UnassignedList = z.object({ unassigned: z.array(UnassignedRow) });
export const AssignBody = z.object({ site: Token, erpOrderId: ErpOrderId, eventIds: z.array(z.string().min(1)).min(1).max(5_000) });
export const AssignResult = z.object({ assigned: z.number(), good: z.number(), scrap: z.number() });

export const LineParams = z.object({ site: Token, line: Token });
export const LineStatus = z.object({
  site: z.string(), line: z.string(),
  activeOrder: z.object({ workflowId: z.string(), erpOrderId: z.string(), status: WorkOrderPhase }).nullable(),
  /** Null when the line's calendar has no shift now (weekend, holiday, a gap between shifts). */
  shift: z.object({ workflowId: z.string(), summary: ShiftSummary.nullable() }).nullable(),
});
