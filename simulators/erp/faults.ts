import { FaultPlan } from '../../contracts/messages/erp-sim.js';
import { seededRandom as seeded } from '../seeded-random.js';

export type FaultDecision = 'ok' | 'error' | 'lose-reply' | 'late-commit';

/** Decides, per request, whether the simulated ERP fails before committing, commits and loses the reply, or commits late. */
export class FaultInjector {
  private random: () => number = Math.random;
  plan: FaultPlan = FaultPlan.parse({});
  readonly counts = { ok: 0, error: 0, 'lose-reply': 0, 'late-commit': 0 } satisfies Record<FaultDecision, number>;

  constructor(plan: Partial<FaultPlan> = {}) {
    this.set(plan);
  }

  set(plan: Partial<FaultPlan>): FaultPlan {
    this.plan = FaultPlan.parse(plan);
    this.random = this.plan.seed === undefined ? Math.random : seeded(this.plan.seed);
    return this.plan;
  }

  /**
   * For a posting: error before commit with `errorRate`, else lose the reply after commit with `replyLossRate`, else
   * commit `lateCommitMs` late with `lateCommitRate` (drawn only when that rate is set).
   */
  decide(): FaultDecision {
    const late = () => this.plan.lateCommitRate > 0 && this.random() < this.plan.lateCommitRate;
    const d: FaultDecision =
      this.random() < this.plan.errorRate ? 'error' : this.random() < this.plan.replyLossRate ? 'lose-reply' : late() ? 'late-commit' : 'ok';
    this.counts[d] += 1;
    return d;
  }

  /** A forced business rejection for this order, or undefined: the same order is refused every time. */
  rejection(erpOrderId: string): string | undefined {
    return this.plan.rejectOrders.includes(erpOrderId) ? `Order ${erpOrderId} is locked by user BOB` : undefined;
  }

  /**
   * The closed period a posting dated `postingDate` (`YYYY-MM-DD`, today in UTC when absent) falls in, as `YYYY-MM`;
   * undefined when its period is open.
   */
  closedPeriod(postingDate: string | undefined): string | undefined {
    const date = postingDate ?? new Date().toISOString().slice(0, 10);
    const period = date.slice(0, 7);
    return this.plan.closedPeriods.includes(period) || (this.plan.closedBefore !== undefined && date < this.plan.closedBefore) ? period : undefined;
  }

  /** A forced business rejection of this goods movement (`rejectMovements`), or undefined. */
  movementRejection(erpOrderId: string | undefined, movementType: string): string | undefined {
    const rule = this.plan.rejectMovements.find((r) => r.movementType === movementType && (r.erpOrderId === undefined || r.erpOrderId === erpOrderId));
    return rule ? `Deficit of unrestricted stock for movement ${movementType} of order ${erpOrderId ?? '(none)'} (M7 021)` : undefined;
  }

  /** Whether this order's postings are answered as by an ERP that is down (`unavailableOrders`). */
  orderUnavailable(erpOrderId: string | undefined): boolean {
    return erpOrderId !== undefined && this.plan.unavailableOrders.includes(erpOrderId);
  }

  /** A forced business rejection of a quality notification for this material, or undefined. */
  materialRejection(material: string, plant: string): string | undefined {
    return this.plan.rejectMaterials.includes(material) ? `Material ${material} is not maintained for quality management in plant ${plant}` : undefined;
  }
}
