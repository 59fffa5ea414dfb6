import { COUNTER_RANGE } from '../../contracts/messages/edge-config.js';
import { seededRandom as rng } from '../seeded-random.js';
import type { SimMachine } from './config.js';

export type SimState = 'RUN' | 'IDLE' | 'STOP';

/** What a PLC keeps across its own restart (retentive memory): counters and the produced totals. */
export interface MachineSnapshot {
  good: number;
  scrap: number;
  producedGood: number;
  producedScrap: number;
  cycle: number;
  temperature: number;
}

/**
 * The machine's logic, free of OPC UA: one `step()` per cycle. `produced*` count every piece ever made, unwrapped,
 * so tests can compare them with the sum of published deltas; `good`/`scrap` are the PLC counters that wrap.
 */
export class MachineModel {
  s: MachineSnapshot;
  state: SimState = 'RUN';
  alarm = false;
  running = true;
  /** Temperature change per cycle (running or idle): the config's, until a test changes it (`SimLine.drift`). */
  driftPerCycle: number;
  private stoppedFor = 0;
  private readonly random: () => number;
  readonly max: number;

  constructor(
    readonly cfg: SimMachine,
    seed: number,
    restore?: MachineSnapshot,
  ) {
    this.random = rng(seed);
    this.max = COUNTER_RANGE[cfg.counterType].max;
    this.driftPerCycle = cfg.temperature.driftPerCycle;
    this.s = restore ?? { good: cfg.counterStart, scrap: cfg.counterStart, producedGood: 0, producedScrap: 0, cycle: 0, temperature: cfg.temperature.start };
  }

  step(): void {
    const s = this.s;
    s.cycle++;
    s.temperature += this.driftPerCycle + (this.random() - 0.5) * this.cfg.temperature.noise;
    if (!this.running) {
      this.state = 'IDLE';
      return;
    }
    if (this.stoppedFor > 0) {
      this.stoppedFor--;
      if (this.stoppedFor === 0) {
        this.state = 'RUN';
        this.alarm = false;
      }
      return;
    }
    if (this.cfg.stopEvery > 0 && s.cycle % this.cfg.stopEvery === 0) {
      this.state = 'STOP';
      this.alarm = true;
      this.stoppedFor = this.cfg.stopCycles;
      return;
    }
    this.state = 'RUN';
    if (this.random() < this.cfg.scrapRate) {
      s.scrap = s.scrap === this.max ? 0 : s.scrap + 1;
      s.producedScrap++;
    } else {
      s.good = s.good === this.max ? 0 : s.good + 1;
      s.producedGood++;
    }
  }
}
