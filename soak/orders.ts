import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type pg from 'pg';
import type { OrderReleased } from '../contracts/messages/order-release.js';
import { erpReleaseSubject } from '../contracts/names.js';
import { LINE_CODES, SITE, soakRelease, type LineCode } from './plant.js';

/** Orders a line's counts can go to (db/active-order.ts): a parked or confirming order takes none. */
const TAKING_COUNTS = new Set(['released', 'running']);

/**
 * The ERP side of the plant: releases orders over NATS as an ERP does (`erp.<site>.order.released`, msgID
 * `release:<site>:<order>`), keeping `perLine` orders taking counts on every line while production runs, so a line always has
 * an order to count for and the next one waiting. A release that cannot be published (NATS away) is tried again on
 * the next tick; it is recorded as released only once the stream has it.
 */
export class OrderBook {
  readonly releases: OrderReleased[] = [];
  private readonly next = new Map<LineCode, number>(LINE_CODES.map((l) => [l, 0]));
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    private readonly o: { seed: number; nc: NatsConnection; pool: pg.Pool; perLine: number; log(msg: string): void },
  ) {}

  private async release(line: LineCode): Promise<void> {
    const n = this.next.get(line)!;
    const r = soakRelease(this.o.seed, 4_000_000, line, n);
    await jetstream(this.o.nc, { timeout: 3_000 }).publish(erpReleaseSubject(SITE), JSON.stringify(r), { msgID: `release:${SITE}:${r.erpOrderId}` });
    this.next.set(line, n + 1);
    this.releases.push(r);
    this.o.log(`released ${r.erpOrderId} on ${line}: ${r.quantity} PC, partial every ${r.confirmationPolicy?.partialEvery}, goods receipt ${r.confirmationPolicy?.goodsReceipt}`);
  }

  /** The ERP sends a changed release of an order (a new quantity): published under a msgID of its own. */
  async rerelease(r: OrderReleased): Promise<void> {
    await jetstream(this.o.nc, { timeout: 3_000 }).publish(erpReleaseSubject(SITE), JSON.stringify(r), { msgID: `release:${SITE}:${r.erpOrderId}:q${r.quantity}` });
  }

  /** The read model's status of each order (PostgreSQL may be away: then nothing is known this tick). */
  async statuses(): Promise<Map<string, string>> {
    const res = await this.o.pool.query<{ erp_order_id: string; status: string }>('select erp_order_id, status from work_orders where site_code = $1', [SITE]);
    return new Map(res.rows.map((r) => [r.erp_order_id, r.status]));
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const status = await this.statuses();
      for (const line of LINE_CODES) {
        const open = this.releases.filter((r) => r.line === line && TAKING_COUNTS.has(status.get(r.erpOrderId) ?? 'released')).length;
        for (let i = open; i < this.o.perLine; i++) await this.release(line);
      }
    } catch {
      // PostgreSQL or NATS away (a fault): the next tick tries again.
    } finally {
      this.busy = false;
    }
  }

  /** Releases the first orders now (retrying until the stream has them), then keeps the lines stocked. */
  async start(): Promise<void> {
    for (const line of LINE_CODES) for (let i = 0; i < this.o.perLine; i++) await this.release(line);
    this.timer = setInterval(() => void this.tick(), 3_000);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
