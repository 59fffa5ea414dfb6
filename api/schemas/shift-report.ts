import { z } from 'zod';
import { LocalDate } from '../../contracts/messages/shift-calendar.js';
import { OeeFigures, ShiftDowntimeResult } from '../../contracts/messages/shift.js';
import { Token } from '../../contracts/tokens.js';

const count = z.number().int().nonnegative();
const downtime = { stops: count, ms: count, microStops: count, microMs: count };

/** Where a shift's figures came from: its read model row (shift_oee), or the workflow when it has none. */
export const ShiftSource = z.enum(['read-model', 'workflow']);

/** `GET /shifts/:site/:line?from=&to=`: local dates of the shifts, inclusive; the latest `limit` shifts of the range. */
export const ShiftListQuery = z.object({ from: LocalDate.optional(), to: LocalDate.optional(), limit: z.coerce.number().int().min(1).max(1_000).default(100) });
export const ShiftLineParams = z.object({ site: Token, line: Token });

/** Which shift, and how far its figures go: the fields a stored shift and a shift report share. */
const ShiftSlot = z.object({
  date: z.string(),
  shiftCode: z.string(),
  crew: z.string().nullable(),
  startsAt: z.string(),
  endsAt: z.string(),
  state: z.enum(['running', 'closed']),
  /** Until when the figures count (the shift's end once closed). */
  asOf: z.string(),
});

/** One stored shift with its line's OEE: a point of the supervisor's trend. */
export const StoredShiftOee = ShiftSlot.extend({
  good: count,
  scrap: count,
  availability: z.number().nullable(),
  performance: z.number().nullable(),
  quality: z.number().nullable(),
  oee: z.number().nullable(),
  /** The line's figures with their losses; null without downtime master data. */
  line: OeeFigures.nullable(),
});
export const ShiftOeeList = z.object({ site: z.string(), line: z.string(), shifts: z.array(StoredShiftOee) });

const OpenHolds = z.object({
  /** The holds are read now: the read model keeps no history of them. */
  asOf: z.string(),
  quality: z.array(z.object({
    workflowId: z.string(), erpOrderId: z.string(), id: z.number(), quantity: z.number(), defectText: z.string(), requestedBy: z.string(), notification: z.string().nullable(),
  })),
  counter: z.array(z.object({
    eventId: z.string(), machine: z.string(), counter: z.string(), reason: z.string(), delta: z.number(), sourceTime: z.string(), erpOrderId: z.string().nullable(),
  })),
});

/** `GET /shifts/:site/:line/:date/:shiftCode/report`: the shift report and handover (docs/downtime-oee.md). */
export const ShiftHandoverReport = ShiftSlot.extend({
  workflowId: z.string(),
  site: z.string(),
  line: z.string(),
  source: ShiftSource,
  produced: z.object({ good: count, scrap: count, total: count }),
  /** The line's OEE (its counting points' output); null without downtime master data. */
  oee: OeeFigures.nullable(),
  machines: z.record(z.string(), OeeFigures),
  /** Downtime in ms outside breaks and planned maintenance, per reason (named from the site's reason tree). */
  downtimeByReason: z.array(z.object({ reason: z.string(), name: z.string().nullable(), category: z.string().nullable(), planned: z.boolean().nullable(), ...downtime })),
  downtimeByCostCenter: z.array(z.object({ costCenter: z.string(), ...downtime })),
  /** What the shift posted to the ERP at its close; null while it runs. */
  downtimePosted: ShiftDowntimeResult.nullable(),
  openHolds: OpenHolds,
  openExceptions: z.array(z.object({ kind: z.string(), ref: z.string(), reason: z.string(), since: z.string() })),
  problems: z.array(z.string()),
});
export type ShiftHandoverReport = z.infer<typeof ShiftHandoverReport>;
