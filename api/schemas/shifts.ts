import { z } from 'zod';
import { ReasonCode } from '../../contracts/messages/downtime-reasons.js';
import { LocalDate, ShiftCode } from '../../contracts/messages/shift-calendar.js';
import { StopReclassification } from '../../contracts/messages/shift.js';
import { Token } from '../../contracts/tokens.js';

/** A stop of one line's shift, by the id the shift summary gives it (`<machine>@<ISO start>`). */
export const StopParams = z.object({ site: Token, line: Token, date: LocalDate, shiftCode: ShiftCode, stopId: StopReclassification.shape.stopId });
export const StopReasonBody = z.object({ reason: ReasonCode });
