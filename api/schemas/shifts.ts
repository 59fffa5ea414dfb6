import { z } from 'zod';
import { ReasonCode } from '../../contracts/messages/downtime-reasons.js';
import { LocalDate, ShiftCode } from '../../contracts/messages/shift-calendar.js';
import { ShiftSummary, StopReclassification } from '../../contracts/messages/shift.js';
import { Token } from '../../contracts/tokens.js';

/** A stop of one line's shift, by the id the shift summary gives it (`<machine>@<ISO start>`). */
export const StopParams = z.object({ site: Token, line: Token, date: LocalDate, shiftCode: ShiftCode, stopId: StopReclassification.shape.stopId });
export const StopReasonBody = z.object({ reason: ReasonCode });

/** A shift by the parts of its workflow id: the local date it starts on and its code. */
export const ShiftParams = z.object({ site: Token, line: Token, date: LocalDate, shiftCode: ShiftCode });
export const ShiftReport = z.object({
  workflowId: z.string(),
  /** `running` while it takes events, `closed` once it posted its downtime (the summary then holds what it posted). */
  state: z.enum(['running', 'closed']),
  summary: ShiftSummary,
});
