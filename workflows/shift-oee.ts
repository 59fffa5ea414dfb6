import type { LineContext } from '../activities/master-data.js';
import { fromThousandths } from '../contracts/decimal.js';
import type { OeeFigures, ShiftOee } from '../contracts/messages/shift.js';
import { classifyStops, type ClassifiedStop, type Reclassification } from '../oee/classify.js';
import { downtimeTotals } from '../oee/downtime-totals.js';
import { machineSums, type OeeSums } from '../oee/figures.js';
import { idealCycleMs } from '../oee/ideal-cycle.js';
import { addSums, oeeRatios } from '../oee/ratios.js';
import type { ShiftState } from './shift-state.js';

/** Whole milliseconds as decimal seconds (exact: thousandths). */
const secondsOf = (ms: number) => fromThousandths(ms);
const secondsOrNull = (ms: number | null) => (ms === null ? null : fromThousandths(ms));

function figures(s: OeeSums): OeeFigures {
  const l = s.losses;
  return {
    ...oeeRatios(s),
    plannedProductionS: secondsOf(s.plannedProductionMs),
    runS: secondsOf(s.runMs),
    good: s.good,
    scrap: s.scrap,
    held: s.held,
    lossesS: {
      breakdowns: secondsOf(l.breakdowns),
      setupAdjustments: secondsOf(l.setupAdjustments),
      smallStops: secondsOf(l.smallStops),
      reducedSpeed: secondsOrNull(l.reducedSpeed),
      startupRejects: secondsOrNull(l.startupRejects),
      productionRejects: secondsOrNull(l.productionRejects),
      idle: secondsOf(l.idle),
      unobserved: secondsOf(l.unobserved),
      heldForQuality: secondsOrNull(l.heldForQuality),
    },
  };
}

/**
 * The shift's classified stops and OEE from `fromMs` (its start) to `toMs` (its end, or now), with the line's master
 * data; null when the site has no downtime master data. Pieces carry no material in the shift (the bridge sends
 * sums per machine), so the machine's ideal cycle time applies; held pieces are not known to the shift (0).
 * The line's figure is the sum of its counting points (its output); machines that are not counting points have
 * their own figures only (their pieces are the same pieces). Without a machine list (older contexts): every machine.
 */
export function shiftOee(state: ShiftState, line: LineContext, reclassifications: ReadonlyArray<Reclassification>, toMs: number): { oee: ShiftOee; stops: ClassifiedStop[] } | null {
  const master = line.downtime;
  if (!master || !line.costCenter) return null;
  const fromMs = Date.parse(state.shift.startsAt);
  const plannedDowntime = (line.plannedDowntime ?? []).map((i) => ({ startMs: Date.parse(i.startsAt), endMs: Date.parse(i.endsAt) }));
  const machinesOfLine = line.machines ?? [];
  const timelines = state.timelines();
  const { pieces, alarms } = state.detail();
  const { stops, problems } = classifyStops({
    master,
    lineCostCenter: line.costCenter,
    machineCostCenters: Object.fromEntries(machinesOfLine.filter((m) => m.costCenter !== null).map((m) => [m.code, m.costCenter!])),
    timelines,
    alarms,
    reclassifications,
    fromMs,
    toMs,
    plannedDowntime,
  });
  const ideal = idealCycleMs(master, Object.fromEntries(machinesOfLine.map((m) => [m.code, m.idealCycleTimeMs === null ? undefined : m.idealCycleTimeMs / 1000])));
  const codes = [...new Set([...machinesOfLine.map((m) => m.code), ...Object.keys(timelines), ...Object.keys(pieces)])].sort();
  const sums: Record<string, OeeSums> = {};
  for (const machine of codes) {
    const p = pieces[machine];
    sums[machine] = machineSums({
      machine,
      fromMs,
      toMs,
      plannedDowntime,
      timeline: timelines[machine],
      stops: stops.filter((s) => s.machine === machine),
      counts: p ? [{ machine, material: null, good: p.good, scrap: p.scrap }] : [],
      idealCycleMs: ideal,
    });
    if (p && ideal(machine, null) === undefined) problems.push(`machine ${machine} has no ideal cycle time: its performance and OEE are unknown`);
  }
  // Machines in series with a counting point made the same pieces: the line is its counting points alone. Contexts
  // recorded before machines were loaded list none; then every machine the shift saw is the line, as it was.
  const counting = machinesOfLine.length > 0 ? machinesOfLine.filter((m) => m.countingPoint).map((m) => m.code) : codes;
  if (machinesOfLine.length > 0 && counting.length === 0) problems.push(`line ${state.shift.line} has no counting point in the plant model: no line figure`);
  const lineSums = addSums(counting.map((c) => sums[c]!));
  const totals = downtimeTotals(stops);
  return {
    stops,
    oee: {
      line: lineSums ? figures(lineSums) : null,
      machines: Object.fromEntries(Object.entries(sums).map(([m, s]) => [m, figures(s)])),
      downtimeByReason: totals.byReason,
      downtimeByCostCenter: totals.byCostCenter,
      problems,
    },
  };
}
