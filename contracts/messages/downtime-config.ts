import { z } from 'zod';
import { PACKML_STATES } from '../packml.js';
import { DowntimeState } from '../erp-port.js';
import { MaterialCode, Token } from '../tokens.js';
import { MachineState } from './machine-event.js';
import { ReasonCode, ReasonTree, ReportWhen } from './downtime-reasons.js';

/** An alarm whose activation names the reason of the stop it causes; `machine` narrows it to one machine's code. */
const AlarmReason = z.object({ alarm: z.string().min(1).max(64), machine: Token.optional(), reason: ReasonCode });

/** Seconds with at most millisecond resolution, so every duration computed from it is whole milliseconds. */
const seconds = (max: number) =>
  z.number().positive().max(max).refine((s) => Math.abs(s * 1000 - Math.round(s * 1000)) < 1e-6, 'must have at most 3 decimals (milliseconds)');

/** Ideal cycle time of one material on one machine (seconds per piece); the machine's `idealCycleTimeS` is the fallback. */
const IdealCycleTime = z.object({ machine: Token, material: MaterialCode, seconds: seconds(86_400) });

/**
 * A site's downtime and OEE master data (plant file `downtime`, one entry per site): the reason tree, how a stop
 * gets its reason (the alarm active at its start, else its state's default reason), the micro-stop threshold, PackML
 * state numbers, and ideal cycle times per material and machine. The plant model checks the names against the site
 * (contracts/messages/downtime-plant-check.ts).
 */
export const SiteDowntimeConfig = z
  .object({
    site: Token,
    categories: ReasonTree,
    /** The reason of a stop no mapped alarm explains, per non-running machine state: every state needs one. */
    stateReasons: z.object(Object.fromEntries(DowntimeState.options.map((s) => [s, ReasonCode])) as Record<DowntimeState, typeof ReasonCode>),
    alarmReasons: z.array(AlarmReason).default([]),
    /** An unplanned stop shorter than this (seconds) is a micro-stop: a performance loss, not an availability loss. */
    microStopS: z.number().int().min(0).max(3600),
    /**
     * An alarm raised up to this many seconds after the stop's state change still explains the stop: the edge
     * debounces state tags (500 ms by default) and not alarms, so the two arrive in either order.
     */
    alarmGraceS: z.number().min(0).max(60).default(2),
    /** PackML `StateCurrent` number ("0"-"17") -> machine state, over contracts/packml.ts's defaults. */
    packml: z.record(z.string(), MachineState).default({}),
    idealCycleTimes: z.array(IdealCycleTime).default([]),
    /** When stops are reported to the ERP unless their reason's `erp.when` says otherwise (docs/downtime-oee.md). */
    erpReportWhen: ReportWhen.default('shift-end'),
  })
  .superRefine((c, ctx) => {
    const issue = (path: Array<string | number>, message: string) => ctx.addIssue({ code: 'custom', path, message });
    const reasons = new Set(c.categories.flatMap((k) => k.reasons.map((r) => r.code)));
    const known = (code: string) => reasons.has(code);
    for (const [state, code] of Object.entries(c.stateReasons))
      if (!known(code)) issue(['stateReasons', state], `unknown reason ${code} (not in categories)`);
    const alarms = new Set<string>();
    c.alarmReasons.forEach((a, i) => {
      if (!known(a.reason)) issue(['alarmReasons', i, 'reason'], `unknown reason ${a.reason} (not in categories)`);
      const key = `${a.machine ?? '*'}/${a.alarm}`;
      if (alarms.has(key)) issue(['alarmReasons', i, 'alarm'], `alarm ${a.alarm}${a.machine ? ` of machine ${a.machine}` : ''} is mapped twice`);
      alarms.add(key);
    });
    for (const n of Object.keys(c.packml))
      if (!(n in PACKML_STATES)) issue(['packml', n], 'not a PackML state number: must be 0-17 (ISA-TR88.00.02 StateCurrent)');
    const times = new Set<string>();
    c.idealCycleTimes.forEach((t, i) => {
      const key = `${t.machine}/${t.material}`;
      if (times.has(key)) issue(['idealCycleTimes', i], `material ${t.material} on machine ${t.machine} is given twice`);
      times.add(key);
    });
  });
export type SiteDowntimeConfig = z.infer<typeof SiteDowntimeConfig>;
