import type { OeeSums } from './figures.js';

/** OEE's factors as fractions of 1; null where a denominator is 0 or an ideal cycle time is unknown. */
export interface OeeRatios {
  /** Run time / planned production time. */
  availability: number | null;
  /** Ideal cycle time x total pieces / run time. */
  performance: number | null;
  /** (Good - held) / total pieces: pieces on quality hold are not good yet. */
  quality: number | null;
  /** Availability x performance x quality. */
  oee: number | null;
}

const ratio = (num: number | null, den: number) => (num === null || den <= 0 ? null : num / den);

/**
 * OEE = availability x performance x quality (Nakajima, "Introduction to TPM"; ISO 22400-2 defines the same index),
 * from integer sums: each factor is one division, and OEE is their product taken as one fraction, in which run time
 * cancels: ideal x (good - held) / (planned production x total). One division of exact integers, so a figure computed
 * by hand from the same sums is equal, not only close.
 */
export function oeeRatios(s: OeeSums): OeeRatios {
  const total = s.good + s.scrap;
  const availability = ratio(s.runMs, s.plannedProductionMs);
  const performance = s.runMs > 0 ? ratio(s.idealMs, s.runMs) : null;
  const quality = ratio(s.good - s.held, total);
  const oee = availability === null || performance === null || quality === null || s.idealMs === null
    ? null
    : (s.idealMs * (s.good - s.held)) / (s.plannedProductionMs * total);
  return { availability, performance, quality, oee };
}

const add = (a: number | null, b: number | null) => (a === null || b === null ? null : a + b);

/** The sums of several machines (a line) or shifts: every field added; unknown (null) stays unknown. */
export function addSums(list: ReadonlyArray<OeeSums>): OeeSums | null {
  if (list.length === 0) return null;
  return list.reduce((a, b) => ({
    plannedProductionMs: a.plannedProductionMs + b.plannedProductionMs,
    runMs: a.runMs + b.runMs,
    good: a.good + b.good,
    scrap: a.scrap + b.scrap,
    held: a.held + b.held,
    idealMs: add(a.idealMs, b.idealMs),
    valuableMs: add(a.valuableMs, b.valuableMs),
    losses: {
      breakdowns: a.losses.breakdowns + b.losses.breakdowns,
      setupAdjustments: a.losses.setupAdjustments + b.losses.setupAdjustments,
      smallStops: a.losses.smallStops + b.losses.smallStops,
      reducedSpeed: add(a.losses.reducedSpeed, b.losses.reducedSpeed),
      startupRejects: add(a.losses.startupRejects, b.losses.startupRejects),
      productionRejects: add(a.losses.productionRejects, b.losses.productionRejects),
      idle: a.losses.idle + b.losses.idle,
      unobserved: a.losses.unobserved + b.losses.unobserved,
      heldForQuality: add(a.losses.heldForQuality, b.losses.heldForQuality),
    },
  }));
}
