import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { MACHINE_EVENT_SUBJECTS } from '../../contracts/streams.js';

/**
 * The last machine-event messages the edge published (a core subscription to `mes.*.*.*.*`, which JetStream
 * publishes reach too): the duplicate-message injector sends some of them again. Also counts what it saw.
 */
export class RecentEvents {
  private readonly kept: Array<{ subject: string; data: Uint8Array }> = [];
  seen = 0;
  private sub: Subscription | undefined;

  constructor(private readonly keep = 64) {}

  start(nc: NatsConnection): void {
    this.sub = nc.subscribe(MACHINE_EVENT_SUBJECTS, {
      callback: (err, m) => {
        if (err) return;
        this.seen++;
        // Only the edge's own (the injectors' sends are seen here too: never duplicate a duplicate or garbage).
        if (m.headers?.get('soak-injected')) return;
        this.kept.push({ subject: m.subject, data: m.data });
        if (this.kept.length > this.keep) this.kept.shift();
      },
    });
  }

  /** `n` of the kept messages, picked by `pick` (a seeded draw in [0, 1)). */
  sample(n: number, pick: () => number): Array<{ subject: string; data: Uint8Array }> {
    if (this.kept.length === 0) return [];
    return Array.from({ length: n }, () => this.kept[Math.floor(pick() * this.kept.length)]!);
  }

  stop(): void {
    this.sub?.unsubscribe();
  }
}
