import type { InspectionCharacteristic, Measurement, QualityEvent } from '../contracts/messages/inspection.js';
import type { QualityHold } from '../contracts/messages/work-order-status.js';
import { QualityMonitor, type QualityCarry } from '../quality/monitor.js';
import { inSpecUnit } from '../quality/units.js';

export type { QualityEvent };

/** The quality part of a work order's carry across continue-as-new; absent in carries of older runs. */
export interface OrderQualityCarry {
  tracks: QualityCarry;
  /** Lab sample ids already applied, newest last (bounded). */
  labSamples: string[];
  outbox: QualityEvent[];
}

/** What OrderQuality needs of its work order (WorkOrderState): counts, holds and the planner hold. */
export interface QualityHost {
  readonly workflowId: string;
  readonly release: { site: string; line: string; erpOrderId: string; unit: string; operation: string };
  /** Good units counted ever (scrap dispositions included): lots are marked on it. */
  readonly goodMade: number;
  readonly confirmable: number;
  readonly qualityHolds: QualityHold[];
  readonly isOpen: boolean;
  /** Held units may go to blocked stock (the run takes it, the order receives goods). */
  readonly blocksStock: boolean;
  held: boolean;
  allocatePostingSeq(): number;
}

const LAB_SAMPLES_KEPT = 500;
const MEASUREMENTS_KEPT = 20;
/** An automatic hold's requester in the ERP's notification (SAP user names are 12 characters at most). */
export const AUTOMATIC_HOLDER = 'MES-QUALITY';

/**
 * A work order's automatic quality: measurements of its inspection characteristics (those of its operation) hold the
 * lot an out-of-spec value covers, grow that hold with the good units made while the excursion goes on, pause the
 * order where the characteristic says so, and queue alerts and run-rule warnings for the workflow to publish.
 * Deterministic; the holds are the order's own (a person decides them like any other).
 */
export class OrderQuality {
  readonly monitor: QualityMonitor;
  private readonly labSamples: string[];
  outbox: QualityEvent[];

  /** Characteristic and unit pairs already reported as not judged in this run: one exception each, not one per value. */
  private readonly unjudgedReported = new Set<string>();

  constructor(
    private readonly order: QualityHost,
    characteristics: readonly InspectionCharacteristic[],
    carry?: OrderQualityCarry,
    /** From the patch 'measurement-units' (workflows/work-order.ts): tag values are judged in their characteristic's unit. */
    private readonly convertUnits = false,
  ) {
    this.monitor = new QualityMonitor(characteristics.filter((c) => c.operation === order.release.operation), carry?.tracks);
    this.labSamples = carry?.labSamples ?? [];
    this.outbox = carry?.outbox ?? [];
  }

  /** New good units joined the order: every open excursion's hold takes those not yet confirmed or held. */
  counted(newGood: number): void {
    for (const h of this.order.qualityHolds) {
      if (!h.open || h.disposition !== null || newGood <= 0) continue;
      const take = Math.min(newGood, this.order.confirmable);
      h.quantity += take;
      newGood -= take;
    }
  }

  /**
   * Judges one measurement in the order's context, `good` units made when it came (default: now); a value of no
   * characteristic of the order changes nothing.
   */
  measure(m: Measurement, good = this.order.goodMade): void {
    if (this.convertUnits && m.source === 'tag') {
      const judged = this.inCharacteristicUnit(m);
      if (!judged) return;
      m = judged;
    }
    const v = this.monitor.evaluate(m, good);
    if (!v) return;
    const c = v.characteristic;
    const at = { id: m.id, value: m.value, unit: m.unit, sourceTime: m.sourceTime };
    if (v.endedHold !== null) {
      const ended = this.order.qualityHolds.find((h) => h.id === v.endedHold);
      if (ended) ended.open = false;
    }
    if (v.verdict !== 'in-spec') {
      const track = this.monitor.track(c.code);
      // A hold decided meanwhile (even before this run set its marks up) covers no more values.
      const open = this.order.qualityHolds.find((h) => h.id === track.holdId && h.open === true && h.disposition === null);
      if (open) {
        if (open.measurements!.length < MEASUREMENTS_KEPT) open.measurements!.push(at);
      } else {
        const id = this.order.allocatePostingSeq();
        const limit = v.verdict === 'above' ? `above the upper limit ${c.upperLimit}` : `below the lower limit ${c.lowerLimit}`;
        const hold: QualityHold = {
          id, quantity: Math.min(v.newHold ?? 0, this.order.confirmable),
          defectText: `${c.description} (${c.code}): ${m.value} ${c.unit} ${limit} at ${m.sourceTime}; held automatically`,
          requestedBy: AUTOMATIC_HOLDER, notification: null, disposition: null, characteristic: c.code, open: true, measurements: [at],
          heldAt: new Date().toISOString(),
          ...(c.blockedStock && this.order.blocksStock ? { blockedStock: { received: 0, settled: null } } : {}),
        };
        this.order.qualityHolds.push(hold);
        track.holdId = id;
        if (c.reaction === 'hold-pause' && this.order.isOpen) this.order.held = true;
        const r = this.order.release;
        this.outbox.push({ kind: 'alert', alert: {
          v: 1, kind: 'quality-hold', site: r.site, line: r.line, erpOrderId: r.erpOrderId, workflowId: this.order.workflowId, holdId: id,
          characteristic: c.code, value: m.value, unit: c.unit, lowerLimit: c.lowerLimit, upperLimit: c.upperLimit, quantity: hold.quantity,
          reaction: c.reaction, sourceTime: m.sourceTime,
        } });
      }
    }
    for (const w of v.warnings) {
      const r = this.order.release;
      this.outbox.push({ kind: 'warning', warning: {
        v: 1, kind: 'run-rule-warning', site: r.site, line: r.line, erpOrderId: r.erpOrderId, workflowId: this.order.workflowId,
        characteristic: c.code, rule: w.rule, reason: `${c.description} (${c.code}): ${w.reason}`, center: v.limits!.center, sigma: v.limits!.sigma,
        values: [...v.window], sourceTime: m.sourceTime,
      } });
    }
  }

  /**
   * A tag value in its characteristic's unit (converted, or as it is: quality/units.ts); null, and the first such value
   * of a characteristic and unit reported, when the units cannot be converted. Values of no characteristic pass as they are.
   */
  private inCharacteristicUnit(m: Measurement): Measurement | null {
    const c = this.monitor.characteristicOf(m);
    if (!c) return m;
    const value = inSpecUnit(m.value, m.unit, c.unit);
    if (value !== null) return value === m.value && m.unit === c.unit ? m : { ...m, value, unit: c.unit };
    const key = `${c.code}\u0000${m.unit}`;
    if (!this.unjudgedReported.has(key)) {
      this.unjudgedReported.add(key);
      const r = this.order.release;
      this.outbox.push({ kind: 'unjudged', unjudged: {
        v: 1, kind: 'measurement-unit-mismatch', site: r.site, line: r.line, erpOrderId: r.erpOrderId, workflowId: this.order.workflowId,
        characteristic: c.code, ...(m.machine ? { machine: m.machine } : {}), ...(m.tag ? { tag: m.tag } : {}), measurementId: m.id,
        value: m.value, unit: m.unit, specUnit: c.unit, sourceTime: m.sourceTime,
      } });
    }
    return null;
  }

  /** Why a lab result cannot be taken (unknown characteristic, other unit, sample entered before); null when it can. */
  refusesLabResult(m: Measurement): string | null {
    const c = this.monitor.characteristics.find((x) => x.code === m.characteristic);
    if (!c) return `no inspection characteristic ${m.characteristic} for operation ${this.order.release.operation} of this order (known: ${this.monitor.characteristics.map((x) => x.code).join(', ') || 'none'})`;
    if (c.unit !== m.unit) return `unit ${m.unit} is not the characteristic's unit ${c.unit}`;
    if (this.labSamples.includes(m.id)) return `sample ${m.id} was entered already`;
    return null;
  }

  labResult(m: Measurement): void {
    this.labSamples.push(m.id);
    if (this.labSamples.length > LAB_SAMPLES_KEPT) this.labSamples.shift();
    this.measure(m);
  }

  /** Whether an out-of-spec value of the characteristic holds the order too (`hold-pause`). */
  pauses(code: string): boolean {
    return this.monitor.characteristics.some((c) => c.code === code && c.reaction === 'hold-pause');
  }

  /** A person decided an automatic hold: its excursion ends there. */
  decided(holdId: number): void {
    this.monitor.holdDecided(holdId, this.order.goodMade);
  }

  takeOutbox(): QualityEvent[] {
    return this.outbox.splice(0);
  }

  carry(): OrderQualityCarry {
    return { tracks: this.monitor.tracks, labSamples: [...this.labSamples], outbox: this.outbox };
  }
}
