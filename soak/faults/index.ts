import type { Fault } from '../schedule.js';
import type { FaultContext, FaultOutcome } from './context.js';
import { ErpFaults } from './erp.js';
import { sendMessages } from './messages.js';
import { counterGlitch, dropSubscriptions } from './opcua.js';
import { killProcess } from './processes.js';
import { killServer } from './servers.js';

const SERVERS = new Set(['kill:nats', 'kill:temporal', 'kill:postgres']);

/**
 * Runs the schedule's faults as they come due, each through its kind's injector. Faults on one target (one process,
 * one server) run one after the other; different targets overlap as they would in a plant. Every outcome is kept.
 */
export class FaultRunner {
  readonly erp: ErpFaults;
  readonly outcomes: Array<{ fault: Fault; ok: boolean; detail?: string; error?: string; startedMs: number; tookMs: number }> = [];
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly ctx: FaultContext) {
    this.erp = new ErpFaults(ctx);
  }

  private inject(f: Fault): Promise<FaultOutcome> {
    if (f.kind.startsWith('kill:')) return SERVERS.has(f.kind) ? killServer(this.ctx, f) : killProcess(this.ctx, f);
    if (f.kind.startsWith('erp:')) return this.erp.stretch(f);
    if (f.kind === 'opcua:drop-subscriptions') return dropSubscriptions(this.ctx);
    if (f.kind === 'opcua:counter-glitch') return counterGlitch(this.ctx, f);
    return sendMessages(this.ctx, f);
  }

  /** Starts `f` behind whatever still runs on its target; returns at once. */
  fire(f: Fault, startedMs: number): void {
    // ERP stretches overlap by design (the plan sums them); kills and messages queue per kind.
    const key = f.kind.startsWith('erp:') ? `${f.kind}:${f.atMs}` : f.kind;
    const prev = this.chains.get(key) ?? Promise.resolve();
    const run = prev.then(async () => {
      const t0 = Date.now();
      this.ctx.log(`fault ${f.kind} at +${Math.round(startedMs / 1000)} s`);
      try {
        const o = await this.inject(f);
        this.outcomes.push({ fault: f, ...o, startedMs, tookMs: Date.now() - t0 });
      } catch (err) {
        this.outcomes.push({ fault: f, ok: false, error: (err as Error).message, startedMs, tookMs: Date.now() - t0 });
        this.ctx.log(`fault ${f.kind} failed: ${(err as Error).message}`);
      }
    });
    this.chains.set(key, run);
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  /** Waits until every fault started has finished (processes and servers are back, ERP stretches over). */
  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
