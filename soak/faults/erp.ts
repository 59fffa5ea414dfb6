import type { FaultPlan } from '../../contracts/messages/erp-sim.js';
import type { Fault } from '../schedule.js';
import type { FaultContext, FaultOutcome } from './context.js';

/**
 * `erp:*`: the ERP's fault plan (PUT /admin/faults) for a stretch; the simulator and the SAP double share the
 * injector (simulators/erp/fault-http.ts), so a plan fails the same share of posts on either. Stretches may overlap: the plan is
 * always the sum of the active ones (an outage wins; the highest rate of each kind), set again when one ends.
 */
export class ErpFaults {
  private readonly active = new Set<Fault>();
  private seed = 1;

  constructor(private readonly ctx: FaultContext) {}

  plan(): Partial<FaultPlan> {
    const of = (kind: Fault['kind']) => [...this.active].filter((f) => f.kind === kind);
    const rate = (kind: Fault['kind']) => Math.max(0, ...of(kind).map((f) => f.rate ?? 0));
    const late = of('erp:late-commits');
    return {
      outage: of('erp:outage').length > 0,
      errorRate: rate('erp:errors'),
      replyLossRate: rate('erp:lose-replies'),
      lateCommitRate: rate('erp:late-commits'),
      lateCommitMs: Math.max(3_000, ...late.map((f) => f.lateCommitMs ?? 0)),
      seed: this.seed,
    };
  }

  private async put(plan: Partial<FaultPlan>): Promise<void> {
    // The ERP's process may be restarting (the simulator's does when PostgreSQL goes away): a few tries.
    let last: unknown;
    for (let i = 0; i < 20; i++) {
      try {
        const res = await fetch(`${this.ctx.erpUrl}/admin/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(plan) });
        if (res.ok) return;
        last = new Error(`PUT /admin/faults: ${res.status} ${await res.text()}`);
      } catch (err) {
        last = err;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    throw last as Error;
  }

  /** Holds the stretch for its duration; resolves when it has ended and the plan is set without it. */
  async stretch(f: Fault): Promise<FaultOutcome> {
    this.active.add(f);
    this.seed++;
    await this.put(this.plan());
    await new Promise((r) => setTimeout(r, f.durationMs ?? 0));
    this.active.delete(f);
    await this.put(this.plan());
    return { ok: true, detail: `${f.kind} ${f.durationMs} ms at rate ${f.rate}` };
  }

  /** No faults at all (the drain). */
  async clear(): Promise<void> {
    this.active.clear();
    await this.put({ outage: false, errorRate: 0, replyLossRate: 0, lateCommitRate: 0 });
  }

  /** The ERP's own counts of what its injector decided per post (`ok`, `error`, `lose-reply`, `late-commit`). */
  async counts(): Promise<Record<string, number>> {
    const res = await fetch(`${this.ctx.erpUrl}/admin/faults`);
    return ((await res.json()) as { counts: Record<string, number> }).counts;
  }
}
