import { erpReportOf } from '../contracts/downtime-report.js';
import type { SiteDowntimeConfig } from '../contracts/messages/downtime-config.js';
import type { AvailabilityLoss, ErpDowntimeReport } from '../contracts/messages/downtime-reasons.js';
import { alarmAt, type AlarmChange } from './alarm-at.js';
import { outside, unionWithin, type Span } from './intervals.js';
import { reasonBook } from './reason-book.js';
import { stopsOf, type Stop, type Timelines } from './stops.js';

/** An operator's choice of reason for one stop (by its id, oee/stops.ts), recorded through the API and audited there. */
export interface Reclassification {
  stopId: string;
  reason: string;
}

/** What classification needs besides the timelines: the site's master data and where the line's costs go. */
export interface ClassifyContext {
  master: SiteDowntimeConfig;
  /** The line's cost center: the last fallback. */
  lineCostCenter: string;
  /** Cost centers of the machines that have their own (plant file `machines[].costCenter`). */
  machineCostCenters?: Readonly<Record<string, string>>;
}

/** A stop with its reason and what follows from it. */
export interface ClassifiedStop extends Stop {
  reason: string;
  category: string;
  /** Who gave the reason: an operator's reclassification, the mapped alarm active at the start, or the state's default. */
  source: 'operator' | 'alarm' | 'state';
  /** The alarm the reason came from (also kept under an operator's reason, for the audit). */
  alarm: string | null;
  planned: boolean;
  /** Null for a planned stop. */
  loss: AvailabilityLoss | null;
  /**
   * An unplanned stop shorter than the micro-stop threshold: a performance loss, not an availability loss. Judged on
   * its whole length (`beganMs` to `endedMs`), so both parts of a split stop agree; a stop still open is none.
   */
  micro: boolean;
  /** The reason's cost center, else the machine's, else the line's. */
  costCenter: string;
  /** The reason's report (contracts/downtime-report.ts); `none` for a micro-stop, which is no stop the ERP tracks. */
  erp: ErpDowntimeReport;
  /** Milliseconds of the stop (within the shift) outside breaks and planned maintenance: its downtime. */
  downtimeMs: number;
}

export interface ClassifyInput extends ClassifyContext {
  timelines: Timelines;
  alarms?: ReadonlyArray<AlarmChange>;
  reclassifications?: ReadonlyArray<Reclassification>;
  /** The shift's start and its end or now (UTC ms). */
  fromMs: number;
  toMs: number;
  /** Breaks and planned maintenance windows of the shift (UTC ms, may overlap). */
  plannedDowntime?: ReadonlyArray<Span>;
}

/**
 * Gives every stop of the shift its reason: an operator's reclassification of the stop's id wins; else the reason
 * mapped to the first-out alarm active at the stop's start (oee/alarm-at.ts, with the site's `alarmGraceS`); else
 * the default reason of the stop's state. Pure and workflow-safe.
 * @returns the stops, sorted by machine then start, and problems: reclassifications naming an unknown reason (ignored).
 */
export function classifyStops(input: ClassifyInput): { stops: ClassifiedStop[]; problems: string[] } {
  const { master } = input;
  const book = reasonBook(master);
  const chosen = new Map<string, string>();
  const problems: string[] = [];
  for (const r of input.reclassifications ?? []) {
    if (book.reason(r.reason)) chosen.set(r.stopId, r.reason);
    else problems.push(`reclassification of ${r.stopId}: unknown reason ${r.reason}, ignored`);
  }
  const holes = unionWithin(input.plannedDowntime ?? [], input.fromMs, input.toMs);
  const microMs = master.microStopS * 1000;
  const stops = stopsOf(input.timelines, input.fromMs, input.toMs).map((s): ClassifiedStop => {
    const alarm = alarmAt(input.alarms ?? [], s.machine, s.beganMs, master.alarmGraceS * 1000, (code) => book.alarmReason(s.machine, code) !== undefined) ?? null;
    const operator = chosen.get(s.id);
    const [code, source] = operator !== undefined ? [operator, 'operator' as const] : alarm !== null ? [book.alarmReason(s.machine, alarm)!, 'alarm' as const] : [master.stateReasons[s.state], 'state' as const];
    const reason = book.reason(code)!;
    const micro = !reason.planned && s.endedMs !== null && s.endedMs - s.beganMs < microMs;
    return {
      ...s,
      reason: code,
      category: reason.category,
      source,
      alarm,
      planned: reason.planned,
      loss: reason.loss ?? null,
      micro,
      costCenter: reason.costCenter ?? input.machineCostCenters?.[s.machine] ?? input.lineCostCenter,
      erp: micro ? { report: 'none' } : erpReportOf(reason),
      downtimeMs: outside(s, holes),
    };
  });
  return { stops, problems };
}
