import type { ClassifiedStop } from './classify.js';
import type { IdealCycleMs } from './ideal-cycle.js';
import { measure, outside, unionWithin, type Span } from './intervals.js';
import type { MachineState } from '../contracts/messages/machine-event.js';
import { unobservedSpan } from './stops.js';

/** Pieces a machine made in the shift, per material where known. `held` and `startupScrap` are parts of good and scrap. */
export interface MachineCounts {
  machine: string;
  material: string | null;
  good: number;
  scrap: number;
  /** Good pieces on quality hold, not yet released: not good for OEE until they are. */
  held?: number;
  /** Scrap made while the machine started up after a stop or setup (the startup rejects loss); 0 when not told apart. */
  startupScrap?: number;
}

/**
 * The sums OEE is computed from, in milliseconds and pieces. They add up, so a line's or a shift's figures are the
 * sums of its machines' (`addFigures`), and `plannedProductionMs` = valuable time + every loss below, exactly.
 */
export interface OeeSums {
  /** Shift length (or up to now) minus breaks, planned maintenance and planned stops (ms). */
  plannedProductionMs: number;
  /** Planned production time minus availability losses: running plus micro-stops (ms). */
  runMs: number;
  good: number;
  scrap: number;
  held: number;
  /** Ideal cycle time x all pieces (ms); null when a piece's ideal cycle time is unknown. */
  idealMs: number | null;
  /** Ideal cycle time x (good - held) pieces (ms); null likewise. */
  valuableMs: number | null;
  /** The six big losses (Nakajima) in ms, and beside them idle stops, unobserved time and pieces held for quality. */
  losses: {
    breakdowns: number;
    setupAdjustments: number;
    smallStops: number;
    /** Run time minus small stops minus ideal time: negative when the machine beat its ideal cycle time. */
    reducedSpeed: number | null;
    startupRejects: number | null;
    productionRejects: number | null;
    idle: number;
    unobserved: number;
    heldForQuality: number | null;
  };
}

export interface MachineFiguresInput {
  machine: string;
  fromMs: number;
  toMs: number;
  /** Breaks and planned maintenance (UTC ms). */
  plannedDowntime: ReadonlyArray<Span>;
  timeline: ReadonlyArray<readonly [number, MachineState]> | undefined;
  /** This machine's classified stops (oee/classify.ts). */
  stops: ReadonlyArray<ClassifiedStop>;
  counts: ReadonlyArray<MachineCounts>;
  idealCycleMs: IdealCycleMs;
}

const sum = (xs: ReadonlyArray<number>) => xs.reduce((a, b) => a + b, 0);
const mul = (ideal: number | undefined, pieces: number, acc: number | null) => (acc === null || ideal === undefined ? null : acc + ideal * pieces);

/**
 * One machine's OEE sums for the shift window: planned production time = window minus breaks and planned maintenance
 * minus planned stops; run time = that minus unplanned stops that are not micro-stops and minus unobserved time.
 * Pieces made during a break count (the machine ran), so performance may exceed 1 then.
 */
export function machineSums(m: MachineFiguresInput): OeeSums {
  const holes = unionWithin(m.plannedDowntime, m.fromMs, m.toMs);
  const by = (f: (s: ClassifiedStop) => boolean) => sum(m.stops.filter(f).map((s) => s.downtimeMs));
  const unobservedAt = unobservedSpan(m.timeline, m.fromMs, m.toMs);
  const unobserved = unobservedAt ? outside(unobservedAt, holes) : 0;
  const breakdowns = by((s) => !s.micro && s.loss === 'breakdown');
  const setupAdjustments = by((s) => !s.micro && s.loss === 'setup');
  const idle = by((s) => !s.micro && s.loss === 'idle');
  const plannedProductionMs = m.toMs - m.fromMs - measure(holes) - by((s) => s.planned);
  const runMs = plannedProductionMs - breakdowns - setupAdjustments - idle - unobserved;
  let idealMs: number | null = 0;
  let valuableMs: number | null = 0;
  let startupRejects: number | null = 0;
  let productionRejects: number | null = 0;
  let heldForQuality: number | null = 0;
  for (const c of m.counts) {
    const ideal = m.idealCycleMs(m.machine, c.material);
    idealMs = mul(ideal, c.good + c.scrap, idealMs);
    valuableMs = mul(ideal, c.good - (c.held ?? 0), valuableMs);
    startupRejects = mul(ideal, c.startupScrap ?? 0, startupRejects);
    productionRejects = mul(ideal, c.scrap - (c.startupScrap ?? 0), productionRejects);
    heldForQuality = mul(ideal, c.held ?? 0, heldForQuality);
  }
  const smallStops = by((s) => s.micro);
  return {
    plannedProductionMs,
    runMs,
    good: sum(m.counts.map((c) => c.good)),
    scrap: sum(m.counts.map((c) => c.scrap)),
    held: sum(m.counts.map((c) => c.held ?? 0)),
    idealMs,
    valuableMs,
    losses: {
      breakdowns,
      setupAdjustments,
      smallStops,
      reducedSpeed: idealMs === null ? null : runMs - smallStops - idealMs,
      startupRejects,
      productionRejects,
      idle,
      unobserved,
      heldForQuality,
    },
  };
}
