import type { InspectionCharacteristic, Measurement } from '../contracts/messages/inspection.js';
import { controlLimitsOf, runRuleHits, type ControlLimits, type RunRuleHit, type RunRuleName } from './run-rules.js';
import { specVerdict, type SpecVerdict } from './spec.js';

/** What the monitor keeps per characteristic across measurements (and an order's continue-as-new): plain JSON. */
export interface CharacteristicTrack {
  /** The good count at the last in-spec value: an out-of-spec value holds what was made since. */
  lotStart: number;
  /** The open automatic hold of the excursion under way; null while values are in spec. */
  holdId: number | null;
  /** Values gathered for the control limits, until there are enough (then emptied). */
  baseline: number[];
  limits: ControlLimits | null;
  /** The latest values, oldest first, as long as the longest run rule needs. */
  recent: number[];
  /** Rules true on the previous value: each warns once per episode. */
  active: RunRuleName[];
}

export type QualityCarry = Record<string, CharacteristicTrack>;

/** The monitor's verdict on one measurement, for the work order to act on. */
export interface MeasurementVerdict {
  characteristic: InspectionCharacteristic;
  verdict: SpecVerdict;
  /** Out of spec with no excursion open: the quantity the lot rule holds (before it is bounded by what is holdable). */
  newHold: number | null;
  /** In spec again: the automatic hold whose excursion this value ends (its quantity stops growing). */
  endedHold: number | null;
  /** Run rules that started with this value (warnings, no hold). */
  warnings: RunRuleHit[];
  limits: ControlLimits | null;
  /** The values the rules looked at, oldest first. */
  window: number[];
}

/**
 * Evaluates an order's measurements against its inspection characteristics: specification limits (holds) and SPC
 * run rules (warnings). Pure and deterministic; the work order owns the holds, the monitor only the per-characteristic
 * marks. A characteristic is found by machine and tag (tag values) or by its code (lab results).
 */
export class QualityMonitor {
  readonly tracks: QualityCarry;

  constructor(
    readonly characteristics: readonly InspectionCharacteristic[],
    carry?: QualityCarry,
  ) {
    this.tracks = carry ?? {};
  }

  /** The characteristic a measurement measures, if the order has one. */
  characteristicOf(m: Measurement): InspectionCharacteristic | undefined {
    return m.source === 'lab'
      ? this.characteristics.find((c) => c.code === m.characteristic)
      : this.characteristics.find((c) => c.source === 'tag' && c.machine === m.machine && c.tag === m.tag);
  }

  /** The characteristic's marks; a first value finds its lot starting with the order (what is confirmed already is never held). */
  track(code: string): CharacteristicTrack {
    return (this.tracks[code] ??= { lotStart: 0, holdId: null, baseline: [], limits: null, recent: [], active: [] });
  }

  /**
   * Judges one value with `good` units counted so far. An in-spec value ends the excursion and starts the next lot;
   * an out-of-spec one asks for a hold when no excursion is open. Null for a value of no characteristic of the order.
   */
  evaluate(m: Measurement, good: number): MeasurementVerdict | null {
    const c = this.characteristicOf(m);
    if (!c) return null;
    const t = this.track(c.code);
    const verdict = specVerdict(m.value, c);
    let newHold: number | null = null;
    let endedHold: number | null = null;
    if (verdict === 'in-spec') {
      t.lotStart = good;
      endedHold = t.holdId;
      t.holdId = null;
    } else if (t.holdId === null) {
      const since = Math.max(0, good - t.lotStart);
      newHold = c.lot === 'since-last-good' ? since : Math.min(c.lot.size, good);
    }
    const warnings = c.controlRules ? this.spc(c, t, m.value) : [];
    return { characteristic: c, verdict, newHold, endedHold, warnings, limits: t.limits, window: [...t.recent] };
  }

  /** A person decided the hold: the excursion it covered ends, and the next out-of-spec value starts a new one. */
  holdDecided(holdId: number, good: number): void {
    for (const t of Object.values(this.tracks))
      if (t.holdId === holdId) {
        t.holdId = null;
        t.lotStart = good;
      }
  }

  /** Control limits from the baseline (or master data), then the run rules on the newest value; warns once per episode. */
  private spc(c: InspectionCharacteristic, t: CharacteristicTrack, value: number): RunRuleHit[] {
    const rules = c.controlRules!;
    if (!t.limits && rules.mean !== undefined && rules.sigma !== undefined) t.limits = { center: rules.mean, sigma: rules.sigma };
    if (!t.limits) {
      t.baseline.push(value);
      if (t.baseline.length >= rules.baseline) {
        try {
          t.limits = controlLimitsOf(t.baseline);
        } catch {
          // A baseline without spread sets no limits; the next values make a new one.
        }
        t.baseline = [];
      }
      return [];
    }
    t.recent.push(value);
    const keep = Math.max(rules.runLength, rules.trendLength);
    if (t.recent.length > keep) t.recent.splice(0, t.recent.length - keep);
    const hits = runRuleHits(t.recent, t.limits, rules);
    const fresh = hits.filter((h) => !t.active.includes(h.rule));
    t.active = hits.map((h) => h.rule);
    return fresh;
  }
}
